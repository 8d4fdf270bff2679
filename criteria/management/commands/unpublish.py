from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from criteria.models import EvaluationYear
from criteria.services import change_year_status


class Command(BaseCommand):
    help = "Take a published year back to appraisal, with a reason kept in its history."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--reason", required=True, help="why the published results must change")

    def handle(self, *args, year, reason, **options):
        year_row = EvaluationYear.objects.filter(year=year, status=EvaluationYear.Status.PUBLISHED).first()
        if year_row is None:
            raise CommandError(f"The year {year} is not published.")
        try:
            change_year_status(year=year_row, status=EvaluationYear.Status.APPRAISAL, reason=reason, user=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Unpublished {year}: {reason}"))
