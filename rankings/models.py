from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import vietnamese
from common.history import History
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
    def group_sums(self, by_group=True):
        """What the official results are made of: per agency, year, block and criteria group, the appraised
        points (`points`) and the maxima of the criteria that do not apply to the agency (`excluded`).

        Rows of `agency_id`, `year_id`, `block_id`, `criteria_group_id`, `points`, `excluded`: a plain GROUP BY
        over an index (see Meta.indexes). `rankings.results` turns them into totals, converted totals, percents and
        ranks in Python; `selectors.build_rankings` adds the names. Agencies without any appraised score or
        not-applicable mark in a year have no row. Without `by_group`, one row per agency, year and block (its
        `criteria_group_id` None): enough for totals and ranks, a fifth of the rows.
        """
        group = {"criteria_group_id": F("criterion__criteria_group")} if by_group else {}
        return (
            self.filter(Q(value__isnull=False) | Q(not_applicable=True))  # only appraised values count
            .order_by()
            .values("agency_id", year_id=F("criterion__year"), block_id=F("criterion__agency_group"), **group)
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
    # Submitting asks, for each criterion without evidence, how the agency arrived at its score.
    scoring_note = models.TextField(_("how it was scored"), blank=True,
                                    help_text=_("Needed where there is no evidence: how the agency arrived at it."))
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
    history = History(excluded_fields=["evidence_file"])

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
            # are found first, then their scores by criterion; with the agency, the value and the not-applicable
            # mark in the index the scores are summed from the index alone, without reading the table (at M on
            # PostgreSQL 15: 15.5 ms scanning the table without the mark in the index, 5.3 ms with it).
            models.Index(fields=["criterion", "agency", "value", "not_applicable"], name="score_sums_idx"),
        ]

    def __str__(self):
        return f"{self.agency} · {self.criterion.code}: {points(self.value) if self.value is not None else '–'}"

    def clean(self):
        if self.criterion_id is None or self.agency_id is None:
            return
        if Participant.objects.block_of(self.agency, self.criterion.year_id) != self.criterion.agency_group_id:
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


class ParticipantQuerySet(models.QuerySet):
    def block_of(self, agency, year):
        """The block `agency` is evaluated in that year: its participant's, or else the one it is in now."""
        block_id = self.filter(agency=agency, year=year).values_list("block_id", flat=True).first()
        return block_id or agency.group_id

    def matching(self, text):
        """Participants whose name or short name, without diacritics, spaces or punctuation, holds `text` so
        written ("tttt" finds "Sở TT&TT")."""
        return self.filter(search_text__contains=vietnamese.compact(text)) if vietnamese.compact(text) else self.none()


class Participant(models.Model):
    """An agency evaluated in a year: in which block and under the name it had that year. Pages, downloads and
    imports read names from here, so that renaming an agency today never rewrites an earlier year. An agency may be
    evaluated and shown but left out of that year's ranking, for a reason the pages show."""

    year = models.ForeignKey(
        "criteria.EvaluationYear", on_delete=models.CASCADE, related_name="participants", verbose_name=_("year")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="participations", verbose_name=_("agency")
    )
    block = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.PROTECT, related_name="participants", verbose_name=_("block")
    )
    name = models.CharField(_("name that year"), max_length=255)
    short_name = models.CharField(_("short name that year"), max_length=100, blank=True)
    unranked_reason = models.TextField(
        _("why not ranked"), blank=True,
        help_text=_("Blank: ranked. Otherwise the agency is shown, not ranked, with this reason."),
    )
    # Derived on save: Vietnamese alphabetical order, and the names without diacritics, spaces and punctuation.
    sort_key = models.CharField(max_length=800, editable=False)
    search_text = models.CharField(max_length=400, editable=False)

    objects = ParticipantQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["-year__year", "block__order", "name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants (agencies of a year)")
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="one_participation_per_year",
                                    violation_error_message=_("This agency already takes part in this year.")),
            models.UniqueConstraint(fields=["year", "block", "name"], name="one_name_per_block_and_year",
                                    violation_error_message=_("Another agency of this block has this name this year.")),
        ]
        indexes = [models.Index(fields=["year", "block"], name="participant_year_block_idx")]

    def __str__(self):
        return f"{self.name} · {self.year}"

    def save(self, *args, **kwargs):
        self.sort_key = vietnamese.sort_key(self.display_name)
        self.search_text = vietnamese.searchable(self.name, self.short_name)
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, agency, year, block_id):
        """A new participation of `agency` in `year`, under its current name: ready for a bulk insert."""
        return cls(year=year, agency=agency, block_id=block_id, name=agency.name, short_name=agency.short_name,
                   sort_key=agency.sort_key, search_text=agency.search_text)

    def clean(self):
        if self.year_id:
            self.year.check_not_published()
        if is_blank(self.name):
            raise ValidationError({"name": _("Give the agency's name of that year.")})
        if self.year_id and self.agency_id:
            self.check_agency_still_there()
            if self.block_id and Score.objects.filter(agency=self.agency_id, criterion__year=self.year_id).exclude(
                    criterion__agency_group=self.block_id).exists():
                raise ValidationError({"block": _("The agency has scores on the criteria of another block this year: "
                                                  "it stays in that block while they are there.")})
        if self.unranked_reason and is_blank(self.unranked_reason):
            raise ValidationError({"unranked_reason": _("Say why the agency is not ranked, or leave it blank.")})
        if self.year_id and self.block_id and not self.block.exists_in(self.year.year):
            raise ValidationError({"block": _("The block “%(block)s” does not exist in %(year)s.")
                                   % {"block": self.block, "year": self.year}})

    @property
    def display_name(self):
        return self.short_name or self.name

    def check_agency_still_there(self):
        """An agency merged, formed into another, split, renamed or dissolved takes part in no later year."""
        fate = self.agency.successions.filter(year__lte=self.year.year).order_by("year").first()
        if fate:
            raise ValidationError({"agency": _("%(agency)s no longer exists in %(year)s: %(fate)s.")
                                   % {"agency": self.agency, "year": self.year, "fate": fate}})


class AgencyRound(models.Model):
    """An agency's way through a year's round: when its self-assessment was submitted, which locks it for its
    reporters, and when its appraisal was finished. ICT staff reopen a submission with a reason (kept in the
    history). Written by rankings.rounds only."""

    year = models.ForeignKey("criteria.EvaluationYear", on_delete=models.CASCADE, related_name="agency_rounds",
                             verbose_name=_("year"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("agency"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    appraised_at = models.DateTimeField(_("appraisal finished at"), null=True, blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("appraised by"))
    reopen_reason = models.TextField(_("why reopened"), blank=True)

    history = History()

    class Meta:
        ordering = ["-year__year", "agency__sort_key"]
        verbose_name = _("agency's progress")
        verbose_name_plural = _("agencies' progress")
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="one_round_per_agency_and_year",
                                    violation_error_message=_("This agency already has its progress this year.")),
            models.CheckConstraint(condition=Q(appraised_at__isnull=True) | Q(submitted_at__isnull=False),
                                   name="appraised_only_once_submitted",
                                   violation_error_message=_("An appraisal is finished only on a submission.")),
        ]

    def __str__(self):
        return f"{self.agency} · {self.year}"


class Explanation(models.Model):
    """An agency's explanation (giải trình) of one appraised score, filed in the explanation stage, and the
    appraisers' answer: the score kept, or adjusted with a reason. Written by rankings.rounds only."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Score kept")
        ADJUSTED = "adjusted", _("Score adjusted")

    score = models.OneToOneField(Score, on_delete=models.PROTECT, related_name="explanation",
                                 verbose_name=_("score"))
    text = models.TextField(_("explanation"))
    evidence_url = models.URLField(_("evidence link"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("filed by"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    value_before = models.DecimalField(_("score before"), max_digits=6, decimal_places=2, null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))

    history = History()

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="explanation_has_text",
                                   violation_error_message=_("Write the explanation.")),
            models.CheckConstraint(
                condition=Q(outcome="", answered_at__isnull=True) | (~Q(outcome="") & ~Q(answer="")
                                                                     & Q(answered_at__isnull=False)),
                name="answer_has_outcome_and_reason",
                violation_error_message=_("An answer keeps or adjusts the score, and says why."),
            ),
        ]

    def __str__(self):
        return f"{self.score.agency} · {self.score.criterion.code}"

    @property
    def is_answered(self):
        return bool(self.outcome)


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


class RecordedRanking(models.Model):
    """A block's results in a published year, recorded when the year was published (rankings/records.py).

    What a published year's ranking is computed from cannot change while it stays published (its scores, criteria,
    groups, classes and participants are refused), so its results are computed once, at publication, and the
    public pages, downloads and the admin read them from here; taking the year back deletes them. What lies outside
    the year is read live beside them: agencies' addresses, bands, successions, and so ranks' changes.
    """

    year = models.ForeignKey(
        "criteria.EvaluationYear", on_delete=models.CASCADE, related_name="recorded_rankings", verbose_name=_("year")
    )
    block = models.ForeignKey(
        "agencies.AgencyGroup", on_delete=models.CASCADE, related_name="recorded_rankings", verbose_name=_("block")
    )
    # The year's framework for the block, its rows as `row` writes them: [[criteria group, maximum]] in order, the
    # classes highest first, and {criterion id: the block's highest figure} for the rule "relative to the best".
    groups = models.JSONField(_("criteria groups and their maxima"))
    classes = models.JSONField(_("classes"))
    best_figures = models.JSONField(_("highest figures"))
    # Per agency, its numbers as rankings.results computed them (selectors.AgencyResult.as_record).
    standings = models.JSONField(_("results"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recorded ranking")
        verbose_name_plural = _("recorded rankings")
        constraints = [
            models.UniqueConstraint(fields=["year", "block"], name="one_recorded_ranking_per_year_and_block"),
        ]

    def __str__(self):
        return f"{self.block} · {self.year}"

    @staticmethod
    def row(instance):
        """A model instance's fields as JSON holds them (`restore` reads them back)."""
        return {field.attname: None if field.value_from_object(instance) is None else field.value_to_string(instance)
                for field in instance._meta.concrete_fields}

    @staticmethod
    def restore(model, row):
        """The instance of `model` that `row` holds, as if read from the database."""
        fields = model._meta.concrete_fields
        return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in fields],
                             [None if row[field.attname] is None else field.to_python(row[field.attname])
                              for field in fields])


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
        # In the province's time zone, as the list beside it shows the same moment.
        return f"{self.file_name} · {timezone.localtime(self.applied_at):%d/%m/%Y %H:%M}"
