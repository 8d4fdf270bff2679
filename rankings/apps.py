from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings")

    def ready(self):
        # After migrate, when every app's permissions exist, so that the roles always match the code.
        post_migrate.connect(_setup_roles, sender=self)
        # A computed criterion's maximum or parameters changed in the admin: its stored points follow.
        post_save.connect(_recompute_points, sender="criteria.Criterion", dispatch_uid="recompute-on-criterion-save")
        # A year moved to another stage: the people it concerns are told by e-mail.
        from criteria.services import stage_changed

        stage_changed.connect(_announce_stage, dispatch_uid="announce-stage")


def _setup_roles(**kwargs):
    from .roles import setup_roles

    setup_roles()


def _recompute_points(instance, created, raw=False, **kwargs):
    if created or raw or not instance.is_computed:
        return
    from .services import recompute_points

    recompute_points([instance], user=None, reason=str(_("The criterion's maximum or parameters changed")))


def _announce_stage(year, **kwargs):
    from .rounds import announce_stage

    announce_stage(year)
