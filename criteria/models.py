from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.history import History
from common.numbers import cents
from common.text import localized

from . import rules
from .rules import Rule

# What every write to a published year is told, by the models here and by the spreadsheet imports.
FROZEN_YEAR_MESSAGE = _("The year %(year)s is published and cannot change; unpublish it first, with a reason.")


class EvaluationYearQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EvaluationYear.Status.PUBLISHED)


class EvaluationYear(models.Model):
    """One round of evaluation. The year is data: pages and rules read it from here."""

    class Status(models.TextChoices):
        # In the order a year goes through them.
        DRAFT = "draft", _("Draft")
        SELF_ASSESSMENT = "self_assessment", _("Open for self-assessment")
        APPRAISAL = "appraisal", _("Under appraisal")
        EXPLANATION = "explanation", _("Open for explanations")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    # The last day (in the province's time zone) of each stage that asks something of the agencies or appraisers.
    self_assessment_deadline = models.DateField(_("self-assessment deadline"), null=True, blank=True)
    appraisal_deadline = models.DateField(_("appraisal deadline"), null=True, blank=True)
    explanation_deadline = models.DateField(_("explanation deadline"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Shown on the public pages of this year."))
    note_en = models.TextField(_("note in English"), blank=True, help_text=_("Shown on the English pages."))
    # The People's Committee's decision that approves the results; set by publishing (rankings.publication).
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True,
                                       help_text=_("For example 768/QĐ-UBND."))
    decision_signed_on = models.DateField(_("decision signed on"), null=True, blank=True)
    incomplete_reason = models.TextField(
        _("why published incomplete"), blank=True,
        help_text=_("Given when the year is published with agencies or criteria left without a score."),
    )

    objects = EvaluationYearQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation year")
        verbose_name_plural = _("evaluation years")
        permissions = [("publish_evaluationyear", _("Can publish and unpublish an evaluation year"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False),
                name="published_year_has_date",
                violation_error_message=_("A published year needs a publication date."),
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def localized_note(self):
        return localized(self.note, self.note_en)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def deadline(self):
        """The last day of the stage the year is in, or None (no deadline set, or a stage without one)."""
        return getattr(self, f"{self.status}_deadline", None)

    def deadline_passed(self, today=None):
        return self.deadline is not None and (today or timezone.localdate()) > self.deadline

    def clean(self):
        deadlines = [d for d in (self.self_assessment_deadline, self.appraisal_deadline, self.explanation_deadline)
                     if d is not None]
        if deadlines != sorted(deadlines):
            raise ValidationError(_("The deadlines follow the stages: self-assessment, then appraisal, then "
                                    "explanations."))

    def check_not_published(self):
        """Refuse a change to a published year's data: it is frozen until unpublished.

        Inside a transaction the year's row is locked and its status read again, so that the year cannot be
        published (and its results recorded: rankings/records.py) before the change being checked commits.
        """
        status = self.status
        if self.pk and connection.in_atomic_block:
            status = EvaluationYear.objects.select_for_update().filter(pk=self.pk).values_list(
                "status", flat=True).first() or status
        if status == self.Status.PUBLISHED:
            raise ValidationError(FROZEN_YEAR_MESSAGE % {"year": self.year})


class CriteriaGroup(models.Model):
    """A group of criteria in one year's framework for one block, e.g. IT infrastructure.

    Each year's decision sets its own groups (five in 2019, nine for departments in a 2025 framework): pages,
    charts, downloads and imports use the groups of the year and block they show, never a code written in logic.
    """

    year = models.ForeignKey(
        EvaluationYear, on_delete=models.CASCADE, related_name="criteria_groups", verbose_name=_("year")
    )
    agency_group = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.PROTECT, related_name="criteria_groups", verbose_name=_("block")
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Column headers of downloads and sheets."))
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, help_text=_("Column headers and charts."))
    short_name_en = models.CharField(_("short name in English"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    history = History()

    class Meta:
        ordering = ["year", "agency_group", "order", "code"]
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency_group", "code"],
                name="unique_criteria_group_code_per_year_and_block",
                violation_error_message=_("This block already has a criteria group with this code in this year."),
            ),
        ]

    def __str__(self):
        return self.localized_name

    def clean(self):
        if self.year_id:
            self.year.check_not_published()
        stored = CriteriaGroup.objects.filter(pk=self.pk).values("year_id", "agency_group_id").first()
        if stored and (stored["year_id"], stored["agency_group_id"]) != (self.year_id, self.agency_group_id) and (
                self.criteria.exists()):
            raise ValidationError(_("This group has criteria: it stays in its year and block. Create a group in the "
                                    "other year or block instead."))

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)

    @property
    def localized_short_name(self):
        return localized(self.short_name, self.short_name_en)


class CriterionQuerySet(models.QuerySet):
    def scorable(self):
        """Criteria that take a score: those without sub-criteria. Their maxima add up to the total."""
        return self.filter(children__isnull=True)

    def in_framework_order(self):
        """As the framework lists them: by criteria group, then each criterion's order and code."""
        return self.order_by("criteria_group__order", "order", "code")

    def maxima(self):
        """The maximum points of each year, block and criteria group: the sum of their scorable criteria's.

        The one place a maximum is computed: rankings, pages, downloads, the admin and imports read it here.
        Rows of `year_id`, `agency_group_id`, `criteria_group_id` and `maximum`.
        """
        return (self.scorable().order_by().values("year_id", "agency_group_id", "criteria_group_id")
                .annotate(maximum=Sum("max_points")))

    def maximum(self):
        """The maximum points of these criteria together: of one year's block, the block's maximum."""
        return cents(sum((row["maximum"] for row in self.maxima()), Decimal(0)))


class Criterion(models.Model):
    """A scored item for one year and one block of agencies; criteria and maxima change between both."""

    year = models.ForeignKey(
        EvaluationYear, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("year")
    )
    agency_group = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.PROTECT, related_name="criteria", verbose_name=_("agency group")
    )
    criteria_group = models.ForeignKey(
        CriteriaGroup, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("criteria group")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent criterion"),
    )
    code = models.CharField(_("code"), max_length=20, help_text=_('For example "1.2".'))
    name = models.CharField(_("name"), max_length=500)
    name_en = models.CharField(_("name in English"), max_length=500, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    # How the points are found: typed in, or computed from figures the agency reports (criteria/rules.py).
    rule = models.CharField(_("scoring rule"), max_length=20, choices=Rule, default=Rule.POINTS)
    points_per_item = models.DecimalField(
        _("points per item"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("For the rule “points per item, capped”."),
    )
    tiers = models.CharField(
        _("tiers"), max_length=200, blank=True,
        help_text=_("For the rule “tiers”: ratio from which percent of the maximum, e.g. “90: 100; 70: 75; 50: 50”."),
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True,
                            help_text=_("What the figures count, e.g. “hồ sơ”; written in the explanation."))

    objects = CriterionQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["year", "agency_group", "order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency_group", "code"],
                name="unique_criterion_code_per_year_and_group",
                violation_error_message=_("This block already has a criterion with this code in this year."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gt=0),
                name="criterion_max_points_positive",
                violation_error_message=_("The maximum points must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(rule=Rule.PER_ITEM, points_per_item__gt=0)
                | (~Q(rule=Rule.PER_ITEM) & Q(points_per_item__isnull=True)),
                name="points_per_item_with_its_rule",
                violation_error_message=_("Points per item are set, above zero, for the rule “points per item” only."),
            ),
            models.CheckConstraint(
                condition=(Q(rule=Rule.TIERS) & ~Q(tiers="")) | (~Q(rule=Rule.TIERS) & Q(tiers="")),
                name="tiers_with_their_rule",
                violation_error_message=_("Tiers are set for the rule “tiers” only."),
            ),
        ]
        indexes = [
            # The ranking query's per-block maximum: scorable criteria of one year and block.
            models.Index(fields=["year", "agency_group"], name="criterion_year_group_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)

    @property
    def is_computed(self):
        return self.rule != Rule.POINTS

    def check_scores_still_hold(self):
        """Refuse a change that the scores already given would not survive: another rule (points and figures mean
        different things), a maximum below a stored score, sub-criteria under a scored criterion, or a scored
        criterion moved under a parent. A computed criterion's points follow a new maximum or new parameters
        (rankings recomputes them when the criterion is saved)."""
        scores = self.scores.all() if self.pk else None
        if self.parent_id and self.parent.scores.exists():
            raise ValidationError({"parent": _("The criterion %(code)s already has scores: it cannot take "
                                               "sub-criteria.") % {"code": self.parent.code}})
        if scores is None or not scores.exists():
            return
        stored = Criterion.objects.get(pk=self.pk)
        if stored.rule != self.rule:
            raise ValidationError({"rule": _("This criterion already has scores: its scoring rule cannot change.")})
        if stored.parent_id != self.parent_id:
            raise ValidationError({"parent": _("This criterion already has scores: it cannot move under another "
                                               "criterion.")})
        if not self.is_computed and self.max_points is not None and (
                scores.filter(Q(value__gt=self.max_points) | Q(self_assessed__gt=self.max_points)).exists()):
            raise ValidationError({"max_points": _("Some scores on this criterion are above %(max)s: lower them "
                                                   "first.") % {"max": self.max_points}})

    def clean(self):
        if self.year_id:
            self.year.check_not_published()
        self.check_scores_still_hold()
        if self.parent_id and (
            self.parent.year_id != self.year_id
            or self.parent.agency_group_id != self.agency_group_id
            or self.parent.criteria_group_id != self.criteria_group_id
        ):
            raise ValidationError(
                {"parent": _("The parent criterion must belong to the same year, block and criteria group.")}
            )
        rules.check_parameters(self)
        if self.criteria_group_id and (
            self.criteria_group.year_id != self.year_id or self.criteria_group.agency_group_id != self.agency_group_id
        ):
            raise ValidationError(
                {"criteria_group": _("The criteria group must belong to the same year and block as the criterion.")}
            )


class ResultClass(models.Model):
    """A class of results a year's decision sets for one block, e.g. "Tốt" from 80 % of the converted maximum.

    Where a year and block have classes, they replace the site's bands (rankings.Band) for that year and block:
    they belong to the year's framework, and are frozen with it once it is published.
    """

    year = models.ForeignKey(
        EvaluationYear, on_delete=models.CASCADE, related_name="result_classes", verbose_name=_("year")
    )
    agency_group = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.PROTECT, related_name="result_classes", verbose_name=_("block")
    )
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in English"), max_length=50, blank=True)
    min_percent = models.DecimalField(
        _("from percent"), max_digits=5, decimal_places=2,
        help_text=_("The class applies from this percentage of the maximum (inclusive) up to the next class."),
    )

    history = History()

    class Meta:
        ordering = ["year", "agency_group", "-min_percent"]
        verbose_name = _("result class")
        verbose_name_plural = _("result classes")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "agency_group", "min_percent"],
                name="one_class_per_threshold",
                violation_error_message=_("This block already has a class from this percentage in this year."),
            ),
            models.CheckConstraint(
                condition=Q(min_percent__gte=0) & Q(min_percent__lte=100),
                name="class_percent_between_0_and_100",
                violation_error_message=_("A class starts between 0 and 100 percent."),
            ),
        ]

    def __str__(self):
        return self.localized_name

    def clean(self):
        if self.year_id:
            self.year.check_not_published()

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)
