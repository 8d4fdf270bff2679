from django.core.management import call_command
from django.core.management.base import BaseCommand

# Everything the site's data is made of, with the change history and the accounts that made it.
BACKED_UP = ["auth.group", "auth.user", "agencies", "criteria", "rankings"]


class Command(BaseCommand):
    help = ("Write the whole database (agencies, criteria, years, scores, bands, import logs, change history, "
            "users and roles) to a JSON file that `import_all` loads into an empty database. Evidence files and "
            "imported sheets live in PRIVATE_FILES_ROOT: back that folder up beside it.")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True)

    def handle(self, *args, output, **options):
        call_command("dumpdata", *BACKED_UP, natural_foreign=True, natural_primary=True, indent=1, output=output,
                     verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
