"""Small factories that fill defaults, so each test states only what it is about."""

import itertools
from datetime import date
from decimal import Decimal

from agencies.models import Agency, AgencyGroup
from criteria.defaults import create_criteria_groups
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from rankings.models import Score

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


def criterion(year, group, code, max_points, criteria_group="infrastructure", **fields):
    if not CriteriaGroup.objects.filter(code=criteria_group).exists():
        create_criteria_groups(CriteriaGroup)  # emptied by a transactional test's flush
    return Criterion.objects.create(
        year=year,
        agency_group=group,
        criteria_group=CriteriaGroup.objects.get(code=criteria_group),
        code=code,
        name=fields.pop("name", f"Tiêu chí {code}"),
        max_points=Decimal(str(max_points)),
        **fields,
    )


def score(agency, criterion, value):
    value = None if value is None else Decimal(str(value))
    return Score.objects.create(agency=agency, criterion=criterion, value=value)
