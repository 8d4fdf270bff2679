from django.core.management.base import BaseCommand

from rankings.rounds import send_reminders


class Command(BaseCommand):
    help = ("E-mail a reminder to whoever still has something to do in a stage whose deadline is at most --days "
            "days away. Run once a day (README: Deployment).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="Remind from this many days before a deadline.")

    def handle(self, *args, days, **options):
        for year, stage, count in send_reminders(days=days):
            self.stdout.write(f"{year} {stage}: {count} reminder(s)")
