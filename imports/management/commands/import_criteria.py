from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import AgencyGroup
from criteria.models import Criterion, EvaluationYear
from imports.criteria import import_criteria
from imports.problems import SheetError, read_sheet_file, refuse


class Command(BaseCommand):
    help = ("Create a block's criteria for a year (created as a draft if missing) from a sheet with the columns "
            "code, name, criteria group code, maximum and parent code.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", required=True)

    def handle(self, *args, file, year, group, **options):
        agency_group = AgencyGroup.objects.filter(slug=group).first()
        if agency_group is None:
            raise CommandError(f"Unknown block {group}.")
        content = read_sheet_file(file)
        try:
            with transaction.atomic():  # a year created here goes away with a refused sheet
                year_row, _created = EvaluationYear.objects.get_or_create(year=year)
                count = import_criteria(content=content, filename=file, year=year_row, agency_group=agency_group)
        except SheetError as error:
            raise refuse(self, error, "no criterion was created") from error
        maximum = Criterion.objects.filter(year=year_row, agency_group=agency_group).maximum()
        self.stdout.write(self.style.SUCCESS(
            f"Created {count} criteria for {year} / {group}, {maximum} points in all."
        ))
