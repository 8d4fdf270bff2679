from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from criteria.models import EvaluationYear
from rankings.publication import publish_year


class Command(BaseCommand):
    help = ("Publish an evaluation year by the decision that approves its results: its rankings appear on the public "
            "site and its data is frozen. An incomplete year is refused, listing what is missing, unless a reason "
            "is given.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--decision", required=True, help="The decision's number, e.g. 768/QĐ-UBND.")
        parser.add_argument("--signed-on", required=True, type=date.fromisoformat, help="Its date, YYYY-MM-DD.")
        parser.add_argument("--incomplete-reason", default="", help="Why the year is published incomplete.")

    def handle(self, *args, year, decision, signed_on, incomplete_reason, **options):
        year_row = EvaluationYear.objects.filter(year=year).first()
        if year_row is None:
            raise CommandError(f"There is no evaluation year {year}.")
        try:
            publish_year(year=year_row, decision_number=decision, signed_on=signed_on, user=None,
                         incomplete_reason=incomplete_reason)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Published {year} by decision {decision} of {signed_on}."))
