"""Small factories that fill defaults, so each test states only what it is about."""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User

from agencies.models import Agency, AgencyGroup, AgencyReporter
from criteria.defaults import CRITERIA_GROUPS
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from rankings import roles
from rankings.models import Participant, Score

_sequence = itertools.count(1)


def agency_group(**fields):
    n = next(_sequence)
    return AgencyGroup.objects.create(**{"name": f"Khối {n}", "slug": f"khoi-{n}", **fields})


def agency(group, name=None, **fields):
    return Agency.objects.create(name=name or f"Cơ quan {next(_sequence)}", group=group, **fields)


def evaluation_year(year, published=True, status=None, **fields):
    status = status or (EvaluationYear.Status.PUBLISHED if published else EvaluationYear.Status.DRAFT)
    published_on = date(year + 1, 5, 1) if status == EvaluationYear.Status.PUBLISHED else None
    return EvaluationYear.objects.create(year=year, status=status, published_on=published_on, **fields)


def criteria_group_of(year, group, code, **fields):
    """The year and block's criteria group `code`: one of the 2019 framework's five, named as there, or a new one."""
    defaults = next(({"name": name, "name_en": name_en, "short_name": short, "short_name_en": short_en, "order": n}
                     for n, (c, name, name_en, short, short_en) in enumerate(CRITERIA_GROUPS, 1) if c == code),
                    {"name": f"Nhóm {code}", "short_name": code})
    return CriteriaGroup.objects.get_or_create(year=year, agency_group=group, code=code,
                                               defaults={**defaults, **fields})[0]


def criterion(year, group, code, max_points, criteria_group="infrastructure", **fields):
    return Criterion.objects.create(
        year=year,
        agency_group=group,
        criteria_group=criteria_group_of(year, group, criteria_group),
        code=code,
        name=fields.pop("name", f"Tiêu chí {code}"),
        max_points=Decimal(str(max_points)),
        **fields,
    )


def score(agency, criterion, value):
    value = None if value is None else Decimal(str(value))
    return Score.objects.create(agency=agency, criterion=criterion, value=value)


PASSWORD = "mat-khau-dai-1"  # every test user's
# `manage.py publish`'s decision, for tests about what publishing does rather than how it is decided.
DECISION = ["--decision", "1/QĐ-UBND", "--signed-on", "2025-01-15", "--incomplete-reason", "Thử nghiệm"]


def user(username, role=None, agency=None, **fields):
    """A staff user in one role's group (rankings.roles), linked to `agency` when it reports for one."""
    fields.setdefault("email", f"{username}@so.example.vn")
    account = User.objects.create_user(username=username, password=PASSWORD, is_staff=True, **fields)
    if role:
        account.groups.add(Group.objects.get(name=role))
    if agency:
        AgencyReporter.objects.create(user=account, agency=agency)
    return account


class People:
    """The named users every test shares, one per role, made when a test first asks for them.

    `ict`, `appraiser`, `superuser`, `staff` (in no group), `unlinked` (a reporter with no agency), and
    `reporter(agency)`: the reporter of that agency, `reporter-<slug>`.
    """

    def __init__(self):
        self._made = {}

    def _get(self, name, make):
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    @property
    def ict(self):
        return self._get("ict", lambda: user("ict", roles.ICT_STAFF))

    @property
    def appraiser(self):
        return self._get("appraiser", lambda: user("appraiser", roles.APPRAISERS))

    @property
    def superuser(self):
        return self._get("superuser", lambda: User.objects.create_superuser(username="root", password=PASSWORD))

    @property
    def staff(self):
        return self._get("staff", lambda: user("staff"))

    @property
    def unlinked(self):
        return self._get("unlinked", lambda: user("no-agency", roles.REPORTERS))

    def reporter(self, agency):
        return self._get(f"reporter {agency.pk}", lambda: user(f"reporter-{agency.slug}", roles.REPORTERS, agency))


def participant(year, agency, **fields):
    """The agency's participation in `year`: created under its current name and block when missing."""
    found, _created = Participant.objects.get_or_create(year=year, agency=agency, defaults={
        "block": agency.group, "name": agency.name, "short_name": agency.short_name})
    if fields:
        for name, value in fields.items():
            setattr(found, name, value)
        found.save()
    return found


def leave_out(year, agency, reason):
    """Leave the agency out of the year's ranking, for `reason`."""
    return participant(year, agency, unranked_reason=reason)
