from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.numbers import lazy_message, points
from common.text import is_blank, localized
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
    def group_sums(self):
        """What the official results are made of: per agency, year, block and criteria group, the appraised
        points (`points`) and the maxima of the criteria that do not apply to the agency (`excluded`).

        Rows of `agency_id`, `year_id`, `block_id`, `criteria_group_id`, `points`, `excluded`: a plain GROUP BY
        over an index (see Meta.indexes). `rankings.results` turns them into totals, converted totals, percents and
        ranks in Python; `selectors.build_rankings` adds the names. Agencies without any appraised score or
        not-applicable mark in a year have no row.
        """
        return (
            self.filter(Q(value__isnull=False) | Q(not_applicable=True))  # only appraised values count
            .order_by()
            .values("agency_id", year_id=F("criterion__year"), block_id=F("criterion__agency_group"),
                    criteria_group_id=F("criterion__criteria_group"))
            .annotate(points=Sum("value"), excluded=Sum("criterion__max_points", filter=Q(not_applicable=True)))
        )


FIGURE = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


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
    # Not applicable to this agency this year: the criterion's points leave its evaluation (rankings.results).
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    not_applicable_reason = models.TextField(_("why not applicable"), blank=True)
    # The figures of a computed criterion (criteria.rules): as the agency reported them, and as appraised.
    # The points they give are stored in self_assessed and value, so that totals stay plain sums.
    reported_numerator = models.DecimalField(_("reported figure"), **FIGURE)
    reported_denominator = models.DecimalField(_("reported total"), **FIGURE)
    numerator = models.DecimalField(_("appraised figure"), **FIGURE)
    denominator = models.DecimalField(_("appraised total"), **FIGURE)

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
            models.CheckConstraint(
                condition=Q(not_applicable=False) | (Q(value__isnull=True) & ~Q(not_applicable_reason="")),
                name="not_applicable_without_score_with_reason",
                violation_error_message=_("A criterion that does not apply holds no appraised score, and says why."),
            ),
            models.CheckConstraint(
                condition=(Q(numerator__gte=0) | Q(numerator__isnull=True))
                & (Q(reported_numerator__gte=0) | Q(reported_numerator__isnull=True))
                & (Q(denominator__gt=0) | Q(denominator__isnull=True))
                & (Q(reported_denominator__gt=0) | Q(reported_denominator__isnull=True)),
                name="figures_not_negative",
                violation_error_message=_("A figure cannot be below zero, and a total is above zero."),
            ),
        ]
        indexes = [
            # For Score.objects.group_sums() (every public page and download): the criteria of a year and block
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


class UnrankedAgency(models.Model):
    """An agency evaluated and shown in a year, but left out of that year's ranking, for a reason the pages show
    (e.g. a unit without public services). The others are ranked without it."""

    year = models.ForeignKey(
        "criteria.EvaluationYear", on_delete=models.CASCADE, related_name="unranked", verbose_name=_("year")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="unranked", verbose_name=_("agency")
    )
    reason = models.TextField(_("reason"), help_text=_("Shown on the public pages next to the agency's result."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "agency__sort_key"]
        verbose_name = _("agency left out of the ranking")
        verbose_name_plural = _("agencies left out of the ranking")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency"], name="unranked_once_per_year",
                violation_error_message=_("This agency is already left out of the ranking of this year."),
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="unranked_with_reason",
                                   violation_error_message=_("Say why the agency is not ranked.")),
        ]

    def __str__(self):
        return f"{self.agency} · {self.year}"

    def clean(self):
        if self.year_id:
            self.year.check_not_published()
        if is_blank(self.reason):
            raise ValidationError({"reason": _("Say why the agency is not ranked.")})


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
