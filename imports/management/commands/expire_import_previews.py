from django.core.management.base import BaseCommand

from imports.importing import expire_import_previews


class Command(BaseCommand):
    help = "Delete previewed score sheets whose import was never confirmed nor cancelled (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{expire_import_previews()} expired import preview(s) deleted.")
