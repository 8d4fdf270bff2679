from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear
from imports import score_sheet


class Command(BaseCommand):
    help = ("Write one year's score sheet for one block (.xlsx or .csv by the output's extension): a blank template "
            "when nothing is scored yet, the stored scores otherwise. `import_scores` reads it back.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, year, group, output, **options):
        extension = Path(output).suffix.lower().lstrip(".")
        if extension not in score_sheet.WRITERS:
            raise CommandError("The output must end in .xlsx or .csv.")
        year_row = EvaluationYear.objects.filter(year=year).first()
        agency_group = AgencyGroup.objects.filter(slug=group).first()
        if year_row is None or agency_group is None:
            raise CommandError(f"Unknown year {year} or block {group}.")
        Path(output).write_bytes(score_sheet.WRITERS[extension](year_row, agency_group))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
