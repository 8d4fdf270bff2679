"""A deterministic synthetic dataset, for the benchmark and the load test: any number of blocks, agencies,
criteria and years, all published, written with bulk inserts."""

import io
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from agencies.models import Agency, AgencyGroup
from common import vietnamese
from common.data_version import invalidate_public_pages
from criteria.defaults import create_criteria_groups
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from rankings.models import Participant, Score
from rankings.records import record_published_years

FIRST_YEAR = 2011
BATCH = 5000


@dataclass(frozen=True)
class Size:
    blocks: int
    agencies: int  # in all, spread over the blocks
    criteria: int  # per block and year
    years: int

    @property
    def scores(self):
        return self.agencies * self.criteria * self.years


SIZES = {
    "S": Size(blocks=2, agencies=40, criteria=60, years=1),
    "M": Size(blocks=6, agencies=1000, criteria=80, years=1),
    "L": Size(blocks=6, agencies=1000, criteria=80, years=10),
}


def build(size: Size, seed=2019):
    """Create the dataset in the current database and return its newest year."""
    rng = random.Random(seed)
    groups = AgencyGroup.objects.bulk_create(
        AgencyGroup(name=f"Khối {b}", slug=f"khoi-{b}", order=b) for b in range(1, size.blocks + 1)
    )
    agencies = []
    for n in range(size.agencies):
        agency = Agency(name=f"Cơ quan {n + 1:04d}", short_name=f"CQ {n + 1:04d}", slug=f"co-quan-{n + 1:04d}",
                        group=groups[n % size.blocks], order=n)
        agency.sort_key = vietnamese.sort_key(agency.display_name)
        agency.search_text = vietnamese.fold(f"{agency.name} {agency.short_name}")
        agencies.append(agency)
    Agency.objects.bulk_create(agencies, batch_size=BATCH)
    agencies = list(Agency.objects.filter(group__in=groups))
    newest = None
    for y in range(size.years):
        year = EvaluationYear.objects.create(year=FIRST_YEAR + y, status=EvaluationYear.Status.PUBLISHED,
                                             published_on=date(FIRST_YEAR + y + 1, 5, 1))
        criteria_groups = {group.pk: list(create_criteria_groups(CriteriaGroup, year=year, agency_group=group).values())
                           for group in groups}
        criteria = Criterion.objects.bulk_create(
            Criterion(year=year, agency_group=group,
                      criteria_group=criteria_groups[group.pk][c % len(criteria_groups[group.pk])],
                      code=f"{c // 10 + 1}.{c % 10 + 1}", name=f"Tiêu chí {c + 1}", max_points=5, order=c)
            for group in groups
            for c in range(size.criteria)
        )
        # Every agency scored in a year takes part in it under its name, as imports and the entry screens make it.
        Participant.objects.bulk_create((Participant.of(agency, year, agency.group_id) for agency in agencies),
                                        batch_size=BATCH)
        by_group = {}
        for criterion in criteria:
            by_group.setdefault(criterion.agency_group_id, []).append(criterion)
        batch = []
        for agency in agencies:
            for criterion in by_group[agency.group_id]:
                batch.append(Score(agency=agency, criterion=criterion, value=Decimal(rng.randint(0, 20)) / 4))
                if len(batch) == BATCH:
                    Score.objects.bulk_create(batch)
                    batch = []
        Score.objects.bulk_create(batch)
        newest = year
    record_published_years()  # the years were published before their scores were written in bulk
    invalidate_public_pages()
    return newest


IMPORT_AGENCIES, IMPORT_CRITERIA = 125, 80  # 10,000 scores in one wide sheet


def import_exercise(group, agencies):
    """A draft year after the newest, IMPORT_CRITERIA criteria for `group` in it, and a wide XLSX scoring
    `agencies` on all of them, as staff would upload it (title line, STT, decimal commas).

    Returns (year, criteria, file content). Score n, c is ((n + c) % 40) / 4.
    """
    year = EvaluationYear.objects.create(year=EvaluationYear.objects.order_by("-year").first().year + 1)
    criteria_group = CriteriaGroup.objects.create(year=year, agency_group=group, code="nhap-thu", name="Nhập thử",
                                                  short_name="Nhập thử")
    criteria = Criterion.objects.bulk_create(
        Criterion(year=year, agency_group=group, criteria_group=criteria_group, code=f"9.{c + 1}",
                  name=f"Nhập thử {c + 1}", max_points=10, order=c)
        for c in range(IMPORT_CRITERIA)
    )
    workbook = Workbook()
    workbook.active.append(["BẢNG ĐIỂM NHẬP THỬ"])
    workbook.active.append(["STT", "Tên cơ quan", *(c.code for c in criteria)])
    for n, agency in enumerate(agencies):
        workbook.active.append([n + 1, agency.name, *(f"{(n + c) % 40 / 4:.2f}".replace(".", ",")
                                                      for c in range(IMPORT_CRITERIA))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return year, criteria, buffer.getvalue()
