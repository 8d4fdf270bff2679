from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from criteria.models import EvaluationYear
from criteria.services import copy_criteria


class Command(BaseCommand):
    help = "Copy every criterion of one evaluation year to another (created as a draft if missing)."

    def add_arguments(self, parser):
        parser.add_argument("from_year", type=int)
        parser.add_argument("to_year", type=int)

    def handle(self, *args, from_year, to_year, **options):
        source = EvaluationYear.objects.filter(year=from_year).first()
        if source is None:
            raise CommandError(f"There is no evaluation year {from_year}.")
        try:
            target, count = copy_criteria(source=source, target_year=to_year, user=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Copied {count} criteria from {source} to {target}."))
