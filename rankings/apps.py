from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# What a published year's recorded results are computed from (rankings/records.py). The application refuses to
# change them while the year is published; a row saved anyway with save() (from a shell) records its year again, in
# the same transaction. A row deleted or bulk-updated from a shell is not seen: the next migrate records the year
# again. The app's bulk writes check the year themselves (a dataset built in bulk records its years when complete).
RECORDED_FROM = ["rankings.Score", "rankings.Participant", "criteria.Criterion", "criteria.CriteriaGroup",
                 "criteria.ResultClass"]


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = _("Rankings")

    def ready(self):
        # After migrate, when every app's permissions exist, so that the roles always match the code.
        post_migrate.connect(_setup_roles, sender=self)
        # Published years' results are recorded as they are published, forgotten as they are taken back, and recorded
        # again by the code of each migration.
        post_migrate.connect(_record_published_years, sender=self)
        post_save.connect(_record_rankings, sender="criteria.EvaluationYear", dispatch_uid="record-rankings")
        for model in RECORDED_FROM:
            post_save.connect(_record_again, sender=model, dispatch_uid=f"record-again-{model}")
        # A computed criterion's maximum or parameters changed in the admin: its stored points follow.
        post_save.connect(_recompute_points, sender="criteria.Criterion", dispatch_uid="recompute-on-criterion-save")
        # A year moved to another stage: the people it concerns are told by e-mail.
        from criteria.services import stage_changed

        stage_changed.connect(_announce_stage, dispatch_uid="announce-stage")


def _setup_roles(**kwargs):
    from .roles import setup_roles

    setup_roles()


def _record_published_years(apps=global_apps, **kwargs):
    try:
        apps.get_model("rankings", "RecordedRanking")
    except LookupError:  # migrated back to before records
        return
    from .records import record_published_years

    record_published_years()


def _record_rankings(instance, raw=False, **kwargs):
    if raw:  # a fixture being loaded: its scores may come after it (the next migrate or save records it)
        return
    from .records import record_rankings

    record_rankings(instance)


def _record_again(instance, raw=False, **kwargs):
    if raw:
        return
    from criteria.models import EvaluationYear

    from .records import record_rankings

    rows = {"criteria": instance.criterion_id} if instance._meta.label == "rankings.Score" else {"pk": instance.year_id}
    year = EvaluationYear.objects.filter(status=EvaluationYear.Status.PUBLISHED, recorded_rankings__isnull=False,
                                         **rows).distinct().first()
    if year:
        record_rankings(year)


def _recompute_points(instance, created, raw=False, **kwargs):
    if created or raw or not instance.is_computed:
        return
    from .services import recompute_points

    recompute_points([instance], user=None, reason=str(_("The criterion's maximum or parameters changed")))


def _announce_stage(year, **kwargs):
    from .rounds import announce_stage

    announce_stage(year)
