from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings")

    def ready(self):
        # After migrate, when every app's permissions exist, so that the roles always match the code.
        post_migrate.connect(_setup_roles, sender=self)


def _setup_roles(**kwargs):
    from .roles import setup_roles

    setup_roles()
