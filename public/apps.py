from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# What the public pages show: a saved or deleted row of any of these makes every cached page stale.
SHOWN_MODELS = ["agencies.AgencyGroup", "agencies.Agency", "criteria.EvaluationYear", "criteria.CriteriaGroup",
                "criteria.Criterion", "criteria.ResultClass", "rankings.Score", "rankings.Band",
                "rankings.Participant", "agencies.Succession"]


class PublicConfig(AppConfig):
    """The public site: pages, downloads and their cache. No models of its own."""

    name = "public"

    def ready(self):
        for model in SHOWN_MODELS:
            post_save.connect(_invalidate, sender=model, dispatch_uid=f"invalidate-on-save-{model}")
            post_delete.connect(_invalidate, sender=model, dispatch_uid=f"invalidate-on-delete-{model}")


def _invalidate(**kwargs):
    from common.data_version import invalidate_public_pages

    invalidate_public_pages()
