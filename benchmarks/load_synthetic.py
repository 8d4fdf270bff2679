from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency, AgencyGroup
from benchmarks import synthetic


class Command(BaseCommand):
    help = "Fill an empty database with the benchmark's synthetic dataset (S, M or L), for a load test."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=synthetic.SIZES, default="M")
        parser.add_argument("--import-sheet", help="also write a 10,000-score sheet for a new draft year here")

    def handle(self, *args, size, import_sheet, **options):
        if Agency.objects.exists():
            raise CommandError("The database already holds agencies; use an empty one.")
        year = synthetic.build(synthetic.SIZES[size])
        self.stdout.write(self.style.SUCCESS(f"Synthetic dataset {size} loaded; newest year {year}."))
        if import_sheet:
            group = AgencyGroup.objects.order_by("order").first()
            agencies = group.agencies.order_by("pk")[: synthetic.IMPORT_AGENCIES]
            draft, _criteria, content = synthetic.import_exercise(group, agencies)
            Path(import_sheet).write_bytes(content)
            # The last line is read by loadtest/run.py.
            self.stdout.write(f"import sheet {import_sheet} for year {draft.year} and block {group.slug}")
