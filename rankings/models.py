from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Rank, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.numbers import lazy_message, points
from common.text import localized
from criteria.models import Criterion

from .files import private_storage, validate_evidence


def score_value_error(criterion, value):
    """The reason `value` cannot be a score on `criterion`, naming the criterion, or None when it can."""
    params = {"code": criterion.code, "name": criterion.name, "value": value, "max": criterion.max_points}
    if value < 0:
        return lazy_message(_("Criterion %(code)s “%(name)s”: the score %(value)s is below zero."), **params)
    if value > criterion.max_points:
        return lazy_message(
            _("Criterion %(code)s “%(name)s”: the score %(value)s is above its maximum of %(max)s."), **params
        )
    return None


class ScoreQuerySet(models.QuerySet):
    def ranking(self, criteria_groups=()):
        """The official totals and ranks: one row per agency and year, from the scores in this queryset.

        Each row has `agency_id`, `criterion__year_id`, `criterion__agency_group_id` (the block), the
        agency's `total`, its `rank` inside (year, block) and, for each of the `criteria_groups`,
        a `group_<code>` sum. Ties share a rank and skip the next (1, 2, 2, 4). Agencies without any
        score in a year are not ranked in that year. Rows come by year, block and total, highest first.

        `selectors.build_rankings` turns these rows into what pages, downloads and the API show: it adds
        the agencies' names, their Vietnamese alphabetical order inside a tie and the percent of the
        block's maximum. Neither is read here: grouping by the agencies' names, or a per-row subquery
        for the maximum, cost the database more than the whole sum.

        Filter by year or block *before* calling this, never by agency: the rank is computed over
        the rows that remain.
        """
        # By the criterion's criteria_group_id: a join to the criteria groups to compare their codes made
        # this query a quarter slower.
        group_totals = {
            f"group_{group.code}": Sum("value", filter=Q(criterion__criteria_group_id=group.pk))
            for group in criteria_groups
        }
        return (
            self.filter(value__isnull=False)  # only appraised values count
            .order_by()
            .values("agency_id", "criterion__year_id", "criterion__agency_group_id")
            # Rounded in SQL so that ties stay ties where SQLite adds decimals as floats.
            .annotate(total=Round(Sum("value"), 2), **group_totals)
            # The window comes last: an aggregate annotated after it would put it in the GROUP BY.
            .annotate(
                rank=Window(
                    Rank(),
                    partition_by=[F("criterion__year_id"), F("criterion__agency_group_id")],
                    order_by=F("total").desc(),
                ),
            )
            # The order of the rank, written as the total it comes from: ordering by the window
            # itself would put it in the GROUP BY.
            .order_by("criterion__year_id", "criterion__agency_group_id", F("total").desc())
        )


class Score(models.Model):
    """One agency on one criterion: its self-assessment, and the appraised value that the ranking uses."""

    # PROTECT: deleting an agency must never take its scores, and so its published results, with it.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="scores", verbose_name=_("agency")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(
        _("appraised score"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("The official score, used in the ranking."),
    )
    self_assessed = models.DecimalField(_("self-assessed score"), max_digits=6, decimal_places=2, null=True,
                                        blank=True)
    appraisal_comment = models.TextField(_("appraiser's comment"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/", storage=private_storage,
                                     blank=True, validators=[validate_evidence])
    evidence_url = models.URLField(_("evidence link"), blank=True)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["evidence_file"])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        # The two roles that write scores, each through the entry screen's service (rankings.services).
        permissions = [
            ("report_score", _("Can enter the self-assessment of the agency it is linked to")),
            ("appraise_score", _("Can set the appraised scores of every agency")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "criterion"],
                name="one_score_per_agency_and_criterion",
                violation_error_message=_("This agency already has a score on this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(value__isnull=True),
                name="score_not_negative",
                violation_error_message=_("A score cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=Q(self_assessed__gte=0) | Q(self_assessed__isnull=True),
                name="self_assessment_not_negative",
                violation_error_message=_("A score cannot be below zero."),
            ),
        ]
        indexes = [
            # For Score.objects.ranking() (every public page and download): the criteria of a year and block
            # are found first, then their scores by criterion; with the agency and the value in the index the
            # scores are summed from the index alone, without reading the table.
            models.Index(fields=["criterion", "agency", "value"], name="score_criterion_agency_idx"),
        ]

    def __str__(self):
        return f"{self.agency} · {self.criterion.code}: {points(self.value) if self.value is not None else '–'}"

    def clean(self):
        if self.criterion_id is None or self.agency_id is None:
            return
        if self.agency.group_id != self.criterion.agency_group_id:
            raise ValidationError(
                {"criterion": _("This criterion belongs to another block of agencies than %(agency)s.")
                 % {"agency": self.agency}}
            )
        self.criterion.year.check_not_published()
        errors = {
            field: score_value_error(self.criterion, getattr(self, field))
            for field in ("value", "self_assessed")
            if getattr(self, field) is not None
        }
        errors = {field: error for field, error in errors.items() if error}
        if errors:
            raise ValidationError(errors)


class Band(models.Model):
    """A label shown next to a percentage so that citizens can read it, e.g. "Cao" from 50 %."""

    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in English"), max_length=50, blank=True)
    min_percent = models.DecimalField(
        _("from percent"), max_digits=5, decimal_places=2, unique=True,
        help_text=_("The band applies from this percentage of the maximum (inclusive) up to the next band."),
    )

    class Meta:
        ordering = ["-min_percent"]
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_percent__gte=0) & Q(min_percent__lte=100),
                name="band_percent_between_0_and_100",
                violation_error_message=_("A band starts between 0 and 100 percent."),
            ),
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)


class ImportLog(models.Model):
    """One confirmed import of a sheet: who, when, which file (kept, with its SHA-256) and what it changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    applied_at = models.DateTimeField(_("imported at"), default=timezone.now)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", storage=private_storage)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    year = models.ForeignKey(
        "criteria.EvaluationYear", on_delete=models.PROTECT, related_name="imports", verbose_name=_("year")
    )
    agency_group = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.PROTECT, related_name="imports", verbose_name=_("agency group")
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        ordering = ["-applied_at"]
        permissions = [("import_scores", _("Can import score sheets"))]
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")

    def __str__(self):
        return f"{self.file_name} · {self.applied_at:%Y-%m-%d %H:%M}"
