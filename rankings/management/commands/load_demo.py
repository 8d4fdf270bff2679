from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.models import Agency, AgencyGroup
from common.data_version import invalidate_public_pages
from criteria.defaults import create_criteria_groups
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from criteria.services import change_year_status, copy_criteria
from rankings import demo_data
from rankings.defaults import create_default_bands
from rankings.models import Band
from rankings.services import save_agency_scores


class Command(BaseCommand):
    help = "Load Hưng Yên's 2019 ranking and an illustrative 2018 as demo data. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        # Normally made by migrations; restored here for a database that was emptied since.
        create_default_bands(Band)
        groups = {}
        for order, (slug, name, name_en) in enumerate(demo_data.AGENCY_GROUPS, start=1):
            groups[slug], _ = AgencyGroup.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
            )

        years = []
        for year_number, published_on, note, copied_from, scaled in demo_data.YEARS:
            # Under appraisal while the scores are written (a published year is frozen), published below.
            year, _ = EvaluationYear.objects.update_or_create(
                year=year_number, defaults={"status": EvaluationYear.Status.APPRAISAL, "note": note}
            )
            if copied_from is None:
                self.create_criteria(year, groups)
            elif not year.criteria.exists():
                copy_criteria(source=EvaluationYear.objects.get(year=copied_from), target_year=year_number,
                              user=None)
            years.append((year, scaled, published_on))

        for slug, agencies in demo_data.AGENCIES.items():
            for order, (name, short_name, group_scores, factor_2018) in enumerate(agencies, start=1):
                agency, _ = Agency.objects.update_or_create(
                    name=name, defaults={"short_name": short_name, "group": groups[slug], "order": order}
                )
                for year, scaled, _published_on in years:
                    factor = Decimal(factor_2018) if scaled else Decimal(1)
                    scores = [(Decimal(str(s)) * factor).quantize(Decimal("0.01")) for s in group_scores]
                    self.save_scores(agency, year, scores)

        for year, _scaled, published_on in years:
            change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=None)
            EvaluationYear.objects.filter(pk=year.pk).update(published_on=published_on)  # the real date
        invalidate_public_pages()
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {Agency.objects.count()} agencies, {Criterion.objects.count()} criteria, "
            f"years {', '.join(str(year) for year, _scaled, _date in years)}."
        ))

    def create_criteria(self, year, groups):
        for slug, criteria in demo_data.CRITERIA.items():
            criteria_groups = create_criteria_groups(CriteriaGroup, year=year, agency_group=groups[slug])
            created = {}
            for order, (code, group_code, name, maximum, parent_code) in enumerate(criteria, start=1):
                created[code], _ = Criterion.objects.update_or_create(
                    year=year,
                    agency_group=groups[slug],
                    code=code,
                    defaults={
                        "criteria_group": criteria_groups[group_code],
                        "name": name,
                        "max_points": maximum,
                        "order": order,
                        "parent": created.get(parent_code),
                    },
                )

    def save_scores(self, agency, year, group_scores):
        criteria = list(Criterion.objects.scorable().filter(year=year, agency_group=agency.group)
                        .select_related("criteria_group").order_by("order"))
        values = {}
        for group_code, group_score in zip(demo_data.GROUP_ORDER, group_scores, strict=True):
            in_group = [c for c in criteria if c.criteria_group.code == group_code]
            shares = demo_data.split_over_criteria(group_score, [c.max_points for c in in_group])
            values.update({c.pk: share for c, share in zip(in_group, shares, strict=True)})
        save_agency_scores(agency=agency, year=year, changes={pk: {"value": v} for pk, v in values.items()},
                           user=None)
