from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import Agency, AgencyGroup
from criteria.models import Criterion, EvaluationYear


class Command(BaseCommand):
    help = "Load a file written by `export_all` into a freshly migrated, empty database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if any(model.objects.exists() for model in (AgencyGroup, Agency, EvaluationYear, Criterion)):
            raise CommandError("The database already holds agencies, years or criteria: restore into an empty, "
                               "freshly migrated database (python manage.py migrate on a new one).")
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded {file}."))
