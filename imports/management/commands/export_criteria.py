from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import AgencyGroup
from common.spreadsheets import neutralise, write_xlsx
from criteria.models import EvaluationYear
from imports.criteria import criteria_rows


class Command(BaseCommand):
    help = ("Write a block's criteria of one year to an XLSX sheet: groups, maxima, parents, scoring rules and their "
            "parameters, in the columns `import_criteria` reads back.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, year, group, output, **options):
        year_row = EvaluationYear.objects.filter(year=year).first()
        agency_group = AgencyGroup.objects.filter(slug=group).first()
        if year_row is None or agency_group is None:
            raise CommandError(f"Unknown year {year} or block {group}.")
        rows = [[neutralise(cell) if isinstance(cell, str) else cell for cell in row]
                for row in criteria_rows(year_row, agency_group)]
        Path(output).write_bytes(write_xlsx(rows, title=f"{year} {group}"))
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows) - 1} criteria to {output}."))
