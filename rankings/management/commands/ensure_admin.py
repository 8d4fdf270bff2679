import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' if it does not exist, with DJANGO_SUPERUSER_PASSWORD as its password, "
        "or a generated one printed once."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"The superuser '{username}' already exists.")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stdout.write(self.style.SUCCESS(f"Created the superuser '{username}'."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Created the superuser '{username}' with the password: {password}\n"
                "It is shown only this once."
            ))
