from django.core.management.base import BaseCommand, CommandError

from criteria.models import EvaluationYear
from criteria.services import change_year_status


class Command(BaseCommand):
    help = "Publish an evaluation year: its rankings appear on the public site, and its data is frozen."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        year_row = EvaluationYear.objects.filter(year=year).first()
        if year_row is None:
            raise CommandError(f"There is no evaluation year {year}.")
        change_year_status(year=year_row, status=EvaluationYear.Status.PUBLISHED, user=None)
        self.stdout.write(self.style.SUCCESS(f"Published {year}."))
