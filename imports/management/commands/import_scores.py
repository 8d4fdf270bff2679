from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear
from imports.importing import apply_import
from imports.problems import SheetError, read_sheet_file, refuse


class Command(BaseCommand):
    help = "Import one year's scores for one block from an XLSX, ODS or CSV sheet (wide or long)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", required=True, help="the block's slug, e.g. so-ban-nganh")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")

    def handle(self, *args, file, year, group, dry_run, **options):
        year_row = EvaluationYear.objects.filter(year=year).first()
        agency_group = AgencyGroup.objects.filter(slug=group).first()
        if year_row is None or agency_group is None:
            raise CommandError(f"Unknown year {year} or block {group}.")
        content = read_sheet_file(file)
        try:
            outcome = apply_import(content=content, filename=file, year=year_row, agency_group=agency_group,
                                   user=None, dry_run=dry_run)
        except SheetError as error:
            raise refuse(self, error, "nothing was imported") from error
        with translation.override("en"):
            verb = "Would import" if dry_run else "Imported"
            self.stdout.write(self.style.SUCCESS(
                f"{verb} {file} for {year} / {group}: {outcome.created} created, {outcome.updated} updated, "
                f"{outcome.unchanged} unchanged, {len(outcome.agencies)} agencies."
            ))
