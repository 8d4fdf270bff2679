"""Every URL the project serves, for every role, against objects of two agencies in every stage of a year.

Each URL pattern has a rule in RULES: who may read it (GET answers 200) and who may write through it (a POST is
not refused). Everyone else is refused, a POST of theirs changes nothing in the database, and no response ever
shows them another agency's unpublished details, nor an agency's reporter its appraisal before the explanation
stage. A URL pattern without a rule fails `test_every_url_pattern_has_a_rule`: a new screen cannot ship without
saying who may use it.

The POSTs are what an attacker with an ordinary login would replay by hand: without CSRF checks (the attacker
has a session and its token), with every field of the object changed (a year's status set to published).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agencies.models import Agency, AgencyGroup, AgencyReporter, Succession
from criteria.models import CriteriaGroup, Criterion, EvaluationYear, ResultClass
from rankings import roles
from rankings.models import AgencyRound, Band, Explanation, ImportLog, Participant, Score
from rankings.services import scores_version, version_fields
from tests import factories, sheets

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status

ROLES = ["anonymous", "staff", "reporter_a", "reporter_unlinked", "appraiser", "ict", "superuser"]
STAFF = set(ROLES) - {"anonymous"}
READERS = {"appraiser", "ict", "superuser"}  # read every agency's scores
MANAGERS = {"ict", "superuser"}
SUPERUSER = {"superuser"}
NOBODY = set()
STAGES = list(Status)
# Never shown to anyone who may not read that agency's scores, on any page.
SECRET = {"a": "GHI-CHU-RIENG-CUA-SO-A", "b": "GHI-CHU-RIENG-CUA-SO-B"}
# An agency sees its appraisal once the appraisal is over: its reporter reads the appraiser's comment from the
# explanation stage on, never before (rankings.entry, rankings.round_views).
APPRAISAL_SHOWN = {Status.EXPLANATION, Status.PUBLISHED}


def appraisal_note(key, stage):
    """Written in the appraiser's comment only, beside SECRET: one per agency and stage."""
    return f"NHAN-XET-THAM-DINH-{key}-{stage}".upper()

# Per model: who reads its admin screens, who changes, adds and deletes there (a frozen year's objects aside).
VIEW = {
    "agencies.agencygroup": READERS, "agencies.agency": READERS, "agencies.agencyreporter": MANAGERS,
    "agencies.succession": READERS,
    "criteria.evaluationyear": READERS, "criteria.criteriagroup": READERS, "criteria.criterion": READERS,
    "criteria.resultclass": READERS, "rankings.participant": READERS,
    "rankings.score": READERS | {"reporter_a"}, "rankings.band": MANAGERS, "rankings.importlog": MANAGERS,
    "auth.user": SUPERUSER, "auth.group": SUPERUSER,
    "axes.accessattempt": SUPERUSER, "axes.accesslog": SUPERUSER, "axes.accessfailurelog": SUPERUSER,
}
CHANGE = {
    **{label: MANAGERS for label in ["agencies.agencygroup", "agencies.agency", "agencies.agencyreporter",
                                     "agencies.succession",
                                     "criteria.evaluationyear", "criteria.criteriagroup", "criteria.criterion",
                                     "criteria.resultclass", "rankings.band", "rankings.participant"]},
    "rankings.score": NOBODY,  # written on the entry screen and by imports only, through the services
    "rankings.importlog": NOBODY,
    "auth.user": SUPERUSER, "auth.group": SUPERUSER,
    # django-axes' records: read only, but a superuser may delete one to lift a lockout.
    "axes.accessattempt": SUPERUSER, "axes.accesslog": SUPERUSER, "axes.accessfailurelog": SUPERUSER,
}
ADD = {**CHANGE, "axes.accessattempt": NOBODY, "axes.accesslog": NOBODY, "axes.accessfailurelog": NOBODY}
# Models whose change and delete screens the matrix checks do write for those allowed (a valid form is posted).
WRITTEN_THROUGH_THE_ADMIN = {"rankings.band", "criteria.resultclass"}
# Every year and criterion here holds scores, which a delete would take with it: only the services delete scores.
DELETE = {**CHANGE, "criteria.evaluationyear": NOBODY, "criteria.criterion": NOBODY}
FROZEN_WHEN_PUBLISHED = {"criteria.evaluationyear", "criteria.criteriagroup", "criteria.criterion",
                         "criteria.resultclass", "rankings.participant"}
STOCK_VIEWS = ["changelist", "add", "change", "delete", "history", "redirect"]


@dataclass
class Target:
    """One object a URL is about: which agency it belongs to ('a', 'b' or None) and the stage of its year."""

    obj: models.Model | None = None
    agency: str | None = None
    stage: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Case:
    url: str
    target: Target
    get: set  # roles whose GET answers 200 (or `ok`)
    post: set  # roles whose POST is not refused
    data: dict = field(default_factory=dict)
    ok: tuple = (200,)
    writes: bool = False  # an allowed POST of `data` must change the database: the rule's "may" is real


class World:
    """A block with agencies A and B; a year in each stage with a criterion and both agencies' scores.

    A's self-assessment is complete and not submitted; B's is submitted, and B has explained its score, so that
    every step of the round (submit, reopen, accept, finish, file and answer an explanation) has something to do.
    No deadline is set: none applies.
    """

    def __init__(self):
        self.block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
        self.agencies = {"a": factories.agency(self.block, name="Sở A"), "b": factories.agency(self.block, name="Sở B")}
        self.years, self.criteria, self.scores, self.classes, self.unranked = {}, {}, {}, {}, {}
        for offset, stage in enumerate(STAGES):
            year = factories.evaluation_year(2021 + offset, status=stage)
            criterion = factories.criterion(year, self.block, "1.1", 20)
            self.years[stage], self.criteria[stage] = year, criterion
            self.classes[stage] = ResultClass.objects.create(year=year, agency_group=self.block, name="Tốt",
                                                             min_percent=Decimal(80))
            self.unranked[stage] = factories.leave_out(year, self.agencies["b"], "Không có dịch vụ công")
            for key, agency in self.agencies.items():
                score = Score(agency=agency, criterion=criterion, self_assessed=Decimal(10), value=Decimal(12),
                              appraisal_comment=f"{SECRET[key]} {appraisal_note(key, stage)}",
                              evidence_url=f"https://{SECRET[key].lower()}.example/")
                score.evidence_file.save("minh-chung.pdf", ContentFile(b"%PDF-1.4 " + SECRET[key].encode()))
                self.scores[key, stage] = score
        people = factories.People()
        self.users = {"anonymous": None, "staff": people.staff, "reporter_a": people.reporter(self.agencies["a"]),
                      "reporter_unlinked": people.unlinked, "appraiser": people.appraiser, "ict": people.ict,
                      "superuser": people.superuser}
        people.reporter(self.agencies["b"])
        self.links = {key: agency.reporters.get() for key, agency in self.agencies.items()}
        self.submitted, self.explanations = {"b"}, {}
        for stage, year in self.years.items():
            AgencyRound.objects.create(year=year, agency=self.agencies["b"], submitted_at=timezone.now())
            self.explanations["b", stage] = Explanation.objects.create(score=self.scores["b", stage],
                                                                       text="Đã có văn bản hướng dẫn")
        self.band = Band.objects.create(name="Thử", min_percent=Decimal("99.5"))
        self.succession = Succession.objects.create(year=2030, kind=Succession.Kind.MERGED,
                                                    predecessor=factories.agency(self.block, name="Sở C"),
                                                    successor=self.agencies["a"])
        published = self.years[Status.PUBLISHED]
        self.import_log = ImportLog.objects.create(file_name="diem.xlsx", sha256="0" * 64, year=published,
                                                   agency_group=self.block)
        self.import_log.file.save("diem.xlsx", ContentFile(b"PK"))
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        common = {"user_agent": "x", "ip_address": "10.0.0.9", "username": "ict", "http_accept": "*/*",
                  "path_info": "/admin/login/"}
        self.axes = {
            "axes.accessattempt": AccessAttempt.objects.create(**common, get_data="", post_data="",
                                                               failures_since_start=1),
            "axes.accesslog": AccessLog.objects.create(**common),
            "axes.accessfailurelog": AccessFailureLog.objects.create(**common),
        }

    def targets(self, label):
        """The objects of a model that the matrix tries its URLs on."""
        by_label = {
            "agencies.agencygroup": [Target(self.block)],
            "agencies.agency": [Target(agency, key) for key, agency in self.agencies.items()],
            "agencies.agencyreporter": [Target(link, key) for key, link in self.links.items()],
            "criteria.evaluationyear": [Target(year, None, stage) for stage, year in self.years.items()],
            "criteria.criteriagroup": [Target(c.criteria_group, None, stage) for stage, c in self.criteria.items()],
            "criteria.criterion": [Target(c, None, stage) for stage, c in self.criteria.items()],
            "criteria.resultclass": [Target(c, None, stage) for stage, c in self.classes.items()],
            "rankings.score": [Target(score, key, stage) for (key, stage), score in self.scores.items()],
            "rankings.band": [Target(self.band)],
            "agencies.succession": [Target(self.succession)],
            "rankings.participant": [Target(u, None, stage) for stage, u in self.unranked.items()],
            "rankings.importlog": [Target(self.import_log)],
            "auth.user": [Target(self.users["ict"])],
            "auth.group": [Target(Group.objects.get(name=roles.APPRAISERS))],
            **{label: [Target(obj)] for label, obj in self.axes.items()},
        }
        return by_label[label]


def may_read(label, role, target):
    if label == "rankings.score" and role == "reporter_a":
        return target.agency == "a"
    return role in VIEW[label]


def may_read_record(label, role, target):
    """The stock admin pages of a score (its page and history) show its appraisal: to the agency's reporter only
    from the explanation stage on."""
    if label == "rankings.score" and role == "reporter_a":
        return target.agency == "a" and target.stage in (Status.EXPLANATION, Status.PUBLISHED)
    return may_read(label, role, target)


def may_change(label, role, target, table=CHANGE):
    frozen = label in FROZEN_WHEN_PUBLISHED and target.stage == Status.PUBLISHED
    return role in table[label] and not frozen


def may_act(label, action, role, target):
    """A bulk delete deletes each object; the year's status and copy actions work on published years too."""
    return may_change(label, role, target, DELETE) if action == "delete_selected" else role in CHANGE[label]


def model_views(model_admin):
    return [*STOCK_VIEWS, "simple_history"] if hasattr(model_admin, "history_form_view") else STOCK_VIEWS


def attack_data(obj):
    """Every editable field of `obj`, changed: what a replayed change or revert form would post."""
    data = {}
    for model_field in obj._meta.concrete_fields:
        if not model_field.editable or model_field.primary_key or isinstance(model_field, models.FileField):
            continue
        value = getattr(obj, model_field.attname)
        if model_field.choices:
            value = Status.PUBLISHED if obj._meta.label == "criteria.evaluationyear" else value
        elif isinstance(model_field, models.DecimalField):
            value = "1"
        elif isinstance(model_field, models.DateField):
            value = date.today().isoformat()
        elif isinstance(model_field, models.BooleanField):
            value = "" if value else "on"
        elif isinstance(model_field, models.URLField):
            value = "https://ke-tan-cong.example/"
        elif isinstance(model_field, models.CharField | models.TextField):
            value = f"{value or ''}x"[: model_field.max_length or 1000]
        data[model_field.name] = "" if value is None else value
    if obj._meta.label == "criteria.evaluationyear":
        data["published_on"] = date.today().isoformat()
    return data


def model_cases(world, label, model_admin):
    """The stock admin screens of one model, and django-simple-history's where the model has them."""
    app, model = label.split(".")
    prefix = f"admin:{app}_{model}"
    targets = world.targets(label)
    readers = {r for r in ROLES if any(may_read(label, r, t) for t in targets)}
    first = targets[0]
    cases = {
        "changelist": [Case(reverse(f"{prefix}_changelist"), first, readers, set())],
        "add": [Case(reverse(f"{prefix}_add"), first, ADD[label], ADD[label], attack_data(first.obj))],
    }
    for action in model_admin.get_actions(_request(world.users["superuser"])):
        for target in targets:
            allowed = {r for r in ROLES if may_act(label, action, r, target)}
            cases["changelist"].append(Case(
                reverse(f"{prefix}_changelist"), target, readers, allowed,
                {"action": action, "_selected_action": [target.obj.pk], "post": "yes", "apply": "1",
                 "reason": "tấn công", "target_year": "2099"}))
    for target in targets:
        readers = {r for r in ROLES if may_read_record(label, r, target)}
        changers = {r for r in ROLES if may_change(label, r, target)}
        deleters = {r for r in ROLES if may_change(label, r, target, DELETE)}
        args = [target.obj.pk]
        writes = label in WRITTEN_THROUGH_THE_ADMIN
        cases.setdefault("change", []).append(Case(reverse(f"{prefix}_change", args=args), target, readers, changers,
                                                   attack_data(target.obj), writes=writes))
        cases.setdefault("delete", []).append(
            # The page itself, to whoever may delete the object: it says what else a delete would take, or forbid.
            Case(reverse(f"{prefix}_delete", args=args), target, changers, deleters, {"post": "yes"}, writes=writes))
        cases.setdefault("history", []).append(Case(reverse(f"{prefix}_history", args=args), target, readers, set()))
        if hasattr(model_admin, "history_form_view"):
            version = target.obj.history.latest().history_id
            cases.setdefault("simple_history", []).append(Case(
                reverse(f"{prefix}_simple_history", args=[target.obj.pk, version]), target, readers, NOBODY,
                attack_data(target.obj)))
        cases.setdefault("redirect", []).append(
            Case(f"/admin/{app}/{model}/{target.obj.pk}/", target, STAFF, STAFF, ok=(302,)))
    return cases


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def score_cases(world):
    """The score screens of our own: entry, evidence, import, export."""
    cases = {}
    for (key, stage), score in world.scores.items():
        target = Target(score, key, stage)
        agency, year, criterion = world.agencies[key], world.years[stage], world.criteria[stage]
        readers = {r for r in ROLES if may_read("rankings.score", r, target)}
        writers = set()
        if stage != Status.PUBLISHED:
            writers |= MANAGERS
        # The agency's reporter until it submits; appraisers until its appraisal is finished (none is here), never
        # in the explanation stage, where the appraisal changes only by answering an explanation.
        if stage == Status.SELF_ASSESSMENT and key == "a" and key not in world.submitted:
            writers.add("reporter_a")
        if stage == Status.APPRAISAL:
            writers.add("appraiser")
        entry = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": agency.pk, "year": year.year})
        cases.setdefault("entry_form", []).append(Case(entry, target, readers, writers, {
            # The form's version as the page gives it to each user: a reporter's covers what it sees.
            "version": lambda user, agency=agency, year=year: scores_version(
                agency, year, version_fields(user, agency, year)) if user else "",
            f"self_assessed_{criterion.pk}": "5",
            f"value_{criterion.pk}": "5", f"appraisal_comment_{criterion.pk}": "tấn công",
            f"evidence_url_{criterion.pk}": "https://ke-tan-cong.example/"}, writes=True))
        cases.setdefault("evidence", []).append(Case(
            reverse("admin:rankings_score_evidence", args=[score.pk]), target, readers, readers))
    published = Target(world.years[Status.PUBLISHED], None, Status.PUBLISHED)
    reachers = READERS | {"reporter_a"}
    sheet = sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở A", 3]])
    draft = world.years[Status.DRAFT]
    cases["entry"] = [Case(reverse("admin:rankings_score_entry"), published, reachers, reachers)]
    cases["import"] = [Case(reverse("admin:rankings_importlog_import"), Target(draft, None, Status.DRAFT), MANAGERS,
                            MANAGERS, {"year": draft.year, "agency_group": world.block.slug,
                                       "file": ("diem.xlsx", sheet)})]
    cases["import_confirm"] = [Case(reverse("admin:rankings_importlog_import_confirm"), published, NOBODY, MANAGERS)]
    cases["import_cancel"] = [Case(reverse("admin:rankings_importlog_import_cancel"), published, NOBODY, MANAGERS)]
    cases["export"] = [Case(reverse("admin:rankings_importlog_export") + f"?year={year.year}&agency_group="
                            f"{world.block.slug}&format=csv", Target(year, None, stage), READERS, READERS)
                       for stage, year in world.years.items()]
    cases["importlog_file"] = [Case(reverse("admin:rankings_importlog_file", args=[world.import_log.pk]), published,
                                    MANAGERS, MANAGERS)]
    # Publishing by decision: ICT staff, a year not yet published (a published one is not found).
    cases["publish"] = [
        Case(reverse("admin:rankings_publish", args=[year.year]), Target(year, None, stage),
             NOBODY if stage == Status.PUBLISHED else MANAGERS, NOBODY if stage == Status.PUBLISHED else MANAGERS,
             {"decision_number": "9/QĐ-UBND", "signed_on": "2026-01-05", "incomplete_reason": "thử"},
             writes=stage != Status.PUBLISHED)
        for stage, year in world.years.items()
    ]
    return cases


def round_cases(world):
    """The round's screens (rankings.round_views): each role's home, the board, an agency's steps and explanations,
    the decision's appendix and the press summary. A POST that the rules of rankings.rounds refuse (wrong stage,
    wrong state) is answered like an allowed one, with a message: it counts as refused, so it must change nothing."""
    cases = {}
    # A reporter is sent to its agency's scores, ICT staff and appraisers to the board; it writes nothing.
    cases["round_home"] = [Case(reverse("admin:rankings_round_home"), Target(), READERS | {"reporter_a"}, NOBODY,
                                ok=(302,))]
    for stage, year in world.years.items():
        target = Target(year, None, stage)
        # Every agency's standing, and the decision's papers drafted before it: for those who read every agency.
        cases.setdefault("round_board", []).append(
            Case(reverse("admin:rankings_round_board", args=[year.year]), target, READERS, NOBODY))
        cases.setdefault("appendix", []).extend(
            Case(reverse("admin:rankings_appendix", args=[year.year]) + query, target, READERS, NOBODY)
            for query in ("", "?format=docx"))
        cases.setdefault("summary", []).append(
            Case(reverse("admin:rankings_summary", args=[year.year]), target, READERS, NOBODY))
    for (key, stage), score in world.scores.items():
        target = Target(score, key, stage)
        agency, year, criterion = world.agencies[key], world.years[stage], world.criteria[stage]
        submitted = key in world.submitted
        reporter = {"reporter_a"} if key == "a" else NOBODY
        # Who may take each step, and when: only where its stage and the agency's state let it write.
        steps = {
            # Its own reporter or ICT staff; A's self-assessment is complete, with evidence.
            "submit": (reporter | MANAGERS) if stage == Status.SELF_ASSESSMENT and not submitted else NOBODY,
            "reopen": MANAGERS if submitted and stage != Status.PUBLISHED else NOBODY,
            # Appraisers or ICT staff, on a submission whose appraisal is not finished (B's score is appraised).
            "finish": READERS if submitted and stage == Status.APPRAISAL else NOBODY,
            # Not a step of this URL (accepting a self-assessment is a button of the entry form): refused to all.
            "accept": NOBODY,
        }
        data = {"reopen": {"reason": "tấn công"}, "accept": {"criterion": criterion.pk}}
        for step, writers in steps.items():
            cases.setdefault("round_step", []).append(Case(
                reverse("admin:rankings_round_step", args=[agency.pk, year.year, step]), target, NOBODY, writers,
                data.get(step, {}), writes=True))
        # The agency's reporter sees its appraisal, and explains it, once the appraisal is over; appraisers and ICT
        # staff read every agency's, and answer in the explanation stage.
        readers = READERS | (reporter if stage in APPRAISAL_SHOWN else NOBODY)
        url = reverse("admin:rankings_explanations", args=[agency.pk, year.year])
        filers = reporter if stage == Status.EXPLANATION and (key, stage) not in world.explanations else NOBODY
        cases.setdefault("explanations", []).append(Case(url, target, readers, filers, {
            "criterion": criterion.pk, "text": "tấn công", "evidence_url": "https://ke-tan-cong.example/"},
            writes=True))
        for (explained, explained_stage), explanation in world.explanations.items():
            if explained_stage != stage:
                continue
            # Answered on its own agency's page only: posted on another's, it is not found.
            answerers = READERS if explained == key and stage == Status.EXPLANATION else NOBODY
            cases["explanations"].append(Case(url, target, readers, answerers, {
                "explanation": explanation.pk, "outcome": Explanation.Outcome.ADJUSTED, "answer": "tấn công",
                "value": "1"}, writes=True))
    return cases


def public_cases(world):
    """The public site: published years for everyone, nothing of the others for anyone."""
    cases = {}
    for stage, year in world.years.items():
        everyone = set(ROLES) if stage == Status.PUBLISHED else NOBODY
        target = Target(year, None, stage)
        slug = world.block.slug
        cases.setdefault("ranking", []).append(Case(f"/rankings/{year.year}/{slug}/", target, everyone, NOBODY))
        cases.setdefault("criteria", []).append(Case(f"/criteria/{year.year}/{slug}/", target, everyone, NOBODY))
        cases.setdefault("download", []).extend(
            Case(f"/rankings/{year.year}/{slug}.{fmt}", target, everyone, NOBODY) for fmt in ("csv", "xlsx", "json"))
        cases.setdefault("scores_download", []).append(
            Case(f"/scores/{year.year}/{slug}.csv", target, everyone, NOBODY))
        cases.setdefault("agency", []).append(
            Case(f"/agencies/{world.agencies['a'].slug}/?year={year.year}", target, everyone, NOBODY))
        cases.setdefault("compare", []).append(Case(
            f"/compare/?year={year.year}&agencies={world.agencies['a'].slug},{world.agencies['b'].slug}", target,
            everyone, NOBODY))
    public = Target()
    cases["home"] = [Case("/", public, set(ROLES), NOBODY), Case("/en/", public, set(ROLES), NOBODY)]
    cases["open_data"] = [Case("/open-data/", public, set(ROLES), NOBODY), Case("/en/open-data/", public, set(ROLES),
                                                                                   NOBODY)]
    # Every published year of a block, an agency's history: the published year's only (the others' secrets never
    # show, whoever asks).
    cases["block_download"] = [Case(f"/rankings/{world.block.slug}.{fmt}", public, set(ROLES), NOBODY)
                               for fmt in ("csv", "xlsx")]
    cases["agency_download"] = [Case(f"/agencies/{world.agencies['a'].slug}.{fmt}", public, set(ROLES), NOBODY)
                                for fmt in ("csv", "xlsx")]
    cases["health"] = [Case("/healthz", public, set(ROLES), set(ROLES))]
    # Finds agencies by any name; lists only published years' participations (the secrets are unpublished data).
    cases["search"] = [Case("/search/?q=so", public, set(ROLES), NOBODY), Case("/search/", public, set(ROLES), NOBODY)]
    return cases


def site_cases(world):
    """The admin site's own screens, autocomplete and catch-all."""
    nobody_target = Target()
    apps = {"agencies": READERS, "criteria": READERS, "rankings": READERS | {"reporter_a"}, "auth": SUPERUSER,
            "axes": SUPERUSER}
    autocomplete = [("rankings", "score", "agency", READERS), ("rankings", "score", "criterion", READERS),
                    ("criteria", "criterion", "parent", READERS), ("agencies", "agencyreporter", "agency", READERS),
                    ("rankings", "participant", "agency", READERS), ("agencies", "succession", "predecessor", READERS),
                    ("agencies", "succession", "successor", READERS)]
    agency_type = ContentType.objects.get_for_model(Agency).pk
    return {
        # A linked reporter is sent on to its agency's round (config.admin_site).
        "admin:index": [Case(reverse("admin:index"), nobody_target, STAFF, STAFF, ok=(200, 302))],
        "admin:login": [Case(reverse("admin:login"), nobody_target, set(ROLES), set(ROLES), ok=(200, 302))],
        "admin:logout": [Case(reverse("admin:logout"), nobody_target, NOBODY, set(ROLES), ok=(200, 302))],
        "admin:password_change": [Case(reverse("admin:password_change"), nobody_target, STAFF, STAFF)],
        "admin:password_change_done": [Case(reverse("admin:password_change_done"), nobody_target, STAFF, NOBODY)],
        "admin:jsi18n": [Case(reverse("admin:jsi18n"), nobody_target, STAFF, NOBODY)],
        "admin:view_on_site": [Case(reverse("admin:view_on_site", args=[agency_type, world.agencies["b"].pk]),
                                    nobody_target, NOBODY, NOBODY)],
        "admin:app_list": [Case(reverse("admin:app_list", args=[app]), nobody_target, allowed, allowed)
                           for app, allowed in apps.items()],
        "admin:autocomplete": [
            Case(reverse("admin:autocomplete") + f"?app_label={app}&model_name={model}&field_name={name}&term=S",
                 nobody_target, allowed, NOBODY) for app, model, name, allowed in autocomplete],
        "admin:auth_user_password_change": [Case(
            reverse("admin:auth_user_password_change", args=[world.users["ict"].pk]), Target(world.users["ict"]),
            SUPERUSER, SUPERUSER, {"password1": "mat-khau-moi-dai-1", "password2": "mat-khau-moi-dai-1"})],
        "admin catch-all": [Case("/admin/khong-co-trang-nay/", nobody_target, NOBODY, NOBODY)],
    }


def all_cases(world):
    """{rule name: [Case]}, every URL pattern the project serves under one of these names."""
    cases = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        for view, items in model_cases(world, label, model_admin).items():
            cases[f"{label} {view}"] = items
    cases.update({f"rankings.score {name}": items for name, items in score_cases(world).items()})
    cases.update({f"rankings.score {name}": items for name, items in round_cases(world).items()})
    cases.update({f"public {name}": items for name, items in public_cases(world).items()})
    cases.update(site_cases(world))
    return cases


# Which rule covers each URL pattern of our own: the pattern's name, or its route when it has none.
PATTERN_RULES = {
    "health": "public health", "ranking_download": "public download", "public:home": "public home",
    "public:ranking": "public ranking", "public:agency": "public agency", "public:criteria": "public criteria",
    "public:compare": "public compare", "public:search": "public search", "public:open_data": "public open_data",
    "block_download": "public block_download", "agency_download": "public agency_download",
    "scores_download": "public scores_download",
    "admin:rankings_score_entry": "rankings.score entry",
    "admin:rankings_score_entry_form": "rankings.score entry_form",
    "admin:rankings_importlog_import": "rankings.score import",
    "admin:rankings_importlog_import_confirm": "rankings.score import_confirm",
    "admin:rankings_importlog_import_cancel": "rankings.score import_cancel",
    "admin:rankings_importlog_export": "rankings.score export",
    "admin:rankings_score_evidence": "rankings.score evidence",
    "admin:rankings_importlog_file": "rankings.score importlog_file",
    "admin:rankings_publish": "rankings.score publish",
    "admin:rankings_round_home": "rankings.score round_home",
    "admin:rankings_round_board": "rankings.score round_board",
    "admin:rankings_round_step": "rankings.score round_step",
    "admin:rankings_explanations": "rankings.score explanations",
    "admin:rankings_appendix": "rankings.score appendix",
    "admin:rankings_summary": "rankings.score summary",
    "admin/(?P<url>.*)$": "admin catch-all",
}


def url_patterns(patterns=None, prefix="", namespace=None):
    """(name or None, route) of every URL pattern, through includes and namespaces."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern)


def rule_for(name, route):
    if name in PATTERN_RULES:
        return PATTERN_RULES[name]
    if name is None:
        for model in admin.site._registry:
            if route == f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/":
                return f"{model._meta.label_lower} redirect"
        return PATTERN_RULES.get(route)
    for model, model_admin in admin.site._registry.items():
        for view in model_views(model_admin):
            if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}":
                return f"{model._meta.label_lower} {view}"
    return name if name.startswith("admin:") else None


def test_every_url_pattern_has_a_rule(db):
    world = World()
    rules = all_cases(world)
    unclassified = [(name, route) for name, route in url_patterns() if rule_for(name, route) not in rules]
    assert unclassified == [], "URL patterns without an authorization rule in tests/test_authorization_matrix.py"
    covered = {rule_for(name, route) for name, route in url_patterns()}
    assert set(rules) - covered == set(), "rules for URLs that no longer exist"


def fingerprint():
    """Everything a request could change that matters: the data, the users, their groups and permissions."""
    tracked = [AgencyGroup, Agency, AgencyReporter, EvaluationYear, CriteriaGroup, Criterion, ResultClass, Score, Band,
               ImportLog, Participant, Succession, AgencyRound, Explanation, User, Group, User.groups.through,
               User.user_permissions.through, Group.permissions.through]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in tracked}


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def refused(response, role):
    if role == "anonymous" and response.status_code == 302:  # to the login page, or to the index that asks it
        return response["Location"].startswith(("/admin/login/", "/admin/"))
    return response.status_code in (302, 400, 403, 404, 405)


def run_case(world, clients, role, case, method):
    client = clients[role]
    if role != "anonymous":
        client.force_login(world.users[role])
    with transaction.atomic():
        before = fingerprint()
        if method == "GET":
            response = client.get(case.url)
        else:
            data = {name: value(world.users[role]) if callable(value) else value for name, value in case.data.items()}
            files = {name: value for name, value in data.items() if isinstance(value, tuple)}
            payload = {name: value for name, value in data.items() if name not in files}
            for name, (filename, content) in files.items():
                payload[name] = ContentFile(content, name=filename)
            response = client.post(case.url, payload)
        after = fingerprint()
        transaction.set_rollback(True)
    problems = []
    content = body(response)
    for key, secret in SECRET.items():
        if secret.lower().encode() in content.lower() and not may_read("rankings.score", role, Target(agency=key)):
            problems.append(f"shows agency {key.upper()}'s details")
    for (key, stage) in world.scores:
        shown = appraisal_note(key, stage).lower().encode() in content.lower()
        if shown and role not in READERS and not (role == f"reporter_{key}" and stage in APPRAISAL_SHOWN):
            problems.append(f"shows agency {key.upper()}'s appraisal of the {stage} stage")
    allowed = role in (case.get if method == "GET" else case.post)
    if method == "GET" and allowed and response.status_code not in case.ok:
        problems.append(f"refused ({response.status_code}) though allowed")
    if method == "POST" and allowed and (response.status_code in (403, 404, 405) or "/admin/login/" in response.get(
            "Location", "")):
        problems.append(f"refused ({response.status_code}) though allowed")
    if not allowed and method == "GET" and not refused(response, role):
        problems.append(f"answered {response.status_code} though refused")
    if method == "POST" and allowed and case.writes and before == after:
        problems.append("changed nothing though allowed to")
    if not allowed and before != after:
        changed = [label for label in before if before[label] != after[label]]
        problems.append(f"changed {changed} though refused")
    return [f"{method} {case.url} as {role} ({case.target.agency or '-'}, {case.target.stage or '-'}): {p}"
            for p in problems]


RULE_NAMES = [
    *(f"{model._meta.label_lower} {view}" for model, model_admin in admin.site._registry.items()
      for view in model_views(model_admin)),
    *(f"rankings.score {name}" for name in ["entry", "entry_form", "import", "import_confirm", "import_cancel",
                                            "export", "evidence", "importlog_file", "publish", "round_home",
                                            "round_board", "round_step", "explanations", "appendix", "summary"]),
    *(f"public {name}" for name in ["ranking", "criteria", "download", "agency", "compare", "home", "health",
                                    "search", "open_data", "block_download", "agency_download", "scores_download"]),
    "admin:index", "admin:login", "admin:logout", "admin:password_change", "admin:password_change_done",
    "admin:jsi18n", "admin:view_on_site", "admin:app_list", "admin:autocomplete", "admin:auth_user_password_change",
    "admin catch-all",
]


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_each_role_reaches_exactly_what_its_rule_allows(rule, db):
    world = World()
    cases = all_cases(world)
    clients = {role: Client() for role in ROLES}
    problems = [problem for case in cases[rule] for role in ROLES for method in ("GET", "POST")
                for problem in run_case(world, clients, role, case, method)]
    assert problems == []
