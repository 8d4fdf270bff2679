from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from rankings import synthetic


class Command(BaseCommand):
    help = "Fill an empty database with the benchmark's synthetic dataset (S, M or L), for a load test."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=synthetic.SIZES, default="M")

    def handle(self, *args, size, **options):
        if Agency.objects.exists():
            raise CommandError("The database already holds agencies; use an empty one.")
        year = synthetic.build(synthetic.SIZES[size])
        self.stdout.write(self.style.SUCCESS(f"Synthetic dataset {size} loaded; newest year {year}."))
