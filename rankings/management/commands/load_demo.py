from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.models import Agency, AgencyGroup, Succession
from common.data_version import invalidate_public_pages
from criteria.defaults import create_criteria_groups
from criteria.models import CriteriaGroup, Criterion, EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status, copy_criteria
from rankings import demo_data
from rankings.defaults import create_default_bands
from rankings.models import Band
from rankings.services import save_agency_scores


class Command(BaseCommand):
    help = ("Load Hưng Yên's 2019 ranking, an illustrative 2018, and an illustrative 2025 after the reorganisation "
            "as demo data. Safe to run again.")

    @transaction.atomic
    def handle(self, *args, **options):
        # Normally made by migrations; restored here for a database that was emptied since.
        create_default_bands(Band)
        groups = {}
        for order, (slug, name, name_en) in enumerate([*demo_data.AGENCY_GROUPS, demo_data.COMMUNE_GROUP], start=1):
            first_year, last_year = demo_data.BLOCK_YEARS.get(slug, (None, None))
            groups[slug], _ = AgencyGroup.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "order": order, "first_year": first_year,
                                     "last_year": last_year}
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

        years.append((self.load_2025(groups), False, demo_data.PUBLISHED_2025))
        # 2025's decision is illustrative like its data; the article gives none for 2018 and 2019.
        EvaluationYear.objects.filter(year=demo_data.YEAR_2025).update(
            decision_number=demo_data.DECISION_2025[0], decision_signed_on=demo_data.DECISION_2025[1])
        for year, _scaled, published_on in years:
            year.refresh_from_db()
            change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=None)
            EvaluationYear.objects.filter(pk=year.pk).update(published_on=published_on)  # the real date
        invalidate_public_pages()
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {Agency.objects.count()} agencies, {Criterion.objects.count()} criteria, "
            f"years {', '.join(str(year) for year, _scaled, _date in years)}."
        ))

    def load_2025(self, groups):
        """The new Hưng Yên after the 2025 reorganisation: merged departments, communes, frameworks of their own."""
        year, _ = EvaluationYear.objects.update_or_create(
            year=demo_data.YEAR_2025, defaults={"status": EvaluationYear.Status.APPRAISAL, "note": demo_data.NOTE_2025})
        agencies = {}
        for slug, members in demo_data.AGENCIES_2025.items():
            criteria_groups = {
                code: CriteriaGroup.objects.update_or_create(
                    year=year, agency_group=groups[slug], code=code,
                    defaults={"name": name, "name_en": name_en, "short_name": short, "short_name_en": short_en,
                              "order": order})[0]
                for order, (code, name, name_en, short, short_en) in enumerate(demo_data.GROUPS_2025[slug], start=1)
            }
            criteria = [
                Criterion.objects.update_or_create(
                    year=year, agency_group=groups[slug], code=code,
                    defaults={"criteria_group": criteria_groups[group_code], "name": name, "max_points": maximum,
                              "order": order, "rule": rule, "unit": unit,
                              "points_per_item": Decimal(parameter) if rule == Rule.PER_ITEM else None,
                              "tiers": parameter if rule == Rule.TIERS else ""})[0]
                for order, (code, group_code, name, maximum, rule, parameter, unit)
                in enumerate(demo_data.CRITERIA_2025[slug], start=1)
            ]
            parameters = {c.code: p for c, (*_ignored, p, _unit) in zip(criteria, demo_data.CRITERIA_2025[slug],
                                                                          strict=True)}
            for n, (name, short_name, level) in enumerate(members, start=1):
                # Agencies that go on keep their block; the new ones (a merged department, communes) get theirs.
                agency, _ = Agency.objects.get_or_create(
                    name=name, defaults={"short_name": short_name, "group": groups[slug], "order": n})
                agencies[name] = agency
                changes = {c.pk: demo_data.figures_2025(c.rule, c.max_points, level, n, parameters[c.code])
                           for c in criteria}
                for marked, code, reason in demo_data.NOT_APPLICABLE_2025:
                    criterion = next((c for c in criteria if c.code == code), None)
                    if marked == name and criterion:
                        changes[criterion.pk] = {"numerator": None, "denominator": None, "not_applicable": True,
                                                 "not_applicable_reason": reason}
                save_agency_scores(agency=agency, year=year, changes=changes, user=None)
        for kind, predecessor, successor in demo_data.SUCCESSIONS_2025:
            Succession.objects.get_or_create(
                year=year.year, predecessor=Agency.objects.get(name=predecessor),
                successor=agencies[successor], defaults={"kind": kind, "note": demo_data.LEGAL_BASIS_2025})
        for district in Agency.objects.filter(group=groups[demo_data.DISTRICTS]):
            Succession.objects.get_or_create(year=year.year, predecessor=district, kind=Succession.Kind.DISSOLVED,
                                             defaults={"note": demo_data.DISTRICTS_END_BASIS})
        # What was succeeded exists no more: new years' sheets leave it out; its earlier years stay as they were.
        Agency.objects.filter(successions__year__lte=year.year).update(is_active=False)
        return year

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
