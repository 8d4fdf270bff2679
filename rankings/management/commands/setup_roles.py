from django.core.management.base import BaseCommand

from rankings.roles import ROLE_PERMISSIONS, setup_roles


class Command(BaseCommand):
    help = "Create the groups ICT staff, appraisers and agency reporters with their permissions (safe to rerun)."

    def handle(self, *args, **options):
        setup_roles()
        self.stdout.write(self.style.SUCCESS(f"Roles set up: {', '.join(ROLE_PERMISSIONS)}."))
