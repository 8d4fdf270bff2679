from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings")

    def ready(self):
        # After migrate, when every app's permissions exist, so that the roles always match the code.
        post_migrate.connect(_setup_roles, sender=self)
        # Any saved or deleted row that public pages show makes the cached pages stale.
        for model in PUBLIC_MODELS:
            post_save.connect(_invalidate, sender=model, dispatch_uid=f"invalidate-on-save-{model}")
            post_delete.connect(_invalidate, sender=model, dispatch_uid=f"invalidate-on-delete-{model}")


PUBLIC_MODELS = ["agencies.AgencyGroup", "agencies.Agency", "criteria.EvaluationYear", "criteria.CriteriaGroup",
                 "criteria.Criterion", "rankings.Score", "rankings.Band"]


def _invalidate(**kwargs):
    from .cache import invalidate_public_pages

    invalidate_public_pages()


def _setup_roles(**kwargs):
    from .roles import setup_roles

    setup_roles()
