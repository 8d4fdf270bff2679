from django.core.management.base import BaseCommand, CommandError

from criteria.models import EvaluationYear
from rankings.press import publication_summary


class Command(BaseCommand):
    help = "Print the press summary of a year, in Vietnamese (a draft until the year is published)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        found = EvaluationYear.objects.filter(year=year).first()
        if found is None:
            raise CommandError(f"There is no evaluation year {year}.")
        self.stdout.write(publication_summary(found))
