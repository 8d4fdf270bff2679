from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import vietnamese
from common.history import History
from common.text import localized

YEAR_RANGE = [MinValueValidator(1900), MaxValueValidator(9999)]


class AgencyGroupQuerySet(models.QuerySet):
    def in_year(self, year_number):
        """The blocks that exist in that year: begun by then and not ended before."""
        return self.filter(Q(first_year__isnull=True) | Q(first_year__lte=year_number),
                           Q(last_year__isnull=True) | Q(last_year__gte=year_number))


class AgencyGroup(models.Model):
    """A block of agencies ranked against each other, e.g. provincial departments; it may begin and end (the
    district block ended with the district level in 2025, the commune block began then)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True, validators=YEAR_RANGE,
                                                  help_text=_("The first evaluation year of the block; blank: always."))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True, validators=YEAR_RANGE,
                                                 help_text=_("The last evaluation year of the block; blank: still."))

    objects = AgencyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("agency group")
        verbose_name_plural = _("agency groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__isnull=True) | Q(last_year__isnull=True) | Q(first_year__lte=F("last_year")),
                name="block_begins_before_it_ends",
                violation_error_message=_("A block's first year comes before its last."),
            ),
        ]

    def __str__(self):
        return self.localized_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vietnamese.slugify(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        # Here as well as in save(): the slug made from the name is checked for uniqueness with the form's fields.
        if not self.slug:
            self.slug = vietnamese.slugify(self.name)
        if self.pk:  # its years keep every year it already has participants in (rankings.Participant)
            outside = sorted({year for year in self.participants.values_list("year__year", flat=True)
                              if not self.exists_in(year)})
            if outside:
                raise ValidationError(_("The block has participants in %(years)s: its years must include them.")
                                      % {"years": ", ".join(map(str, outside))})

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)

    def exists_in(self, year_number):
        return ((self.first_year is None or self.first_year <= year_number)
                and (self.last_year is None or year_number <= self.last_year))


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, help_text=_("Shown in tables and charts.")
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, blank=True)
    group = models.ForeignKey(
        AgencyGroup, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("agency group")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Derived from the short name (or the name) on save: Vietnamese alphabetical order and
    # diacritic-free matching, which neither SQLite nor a default PostgreSQL collation provides.
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vietnamese.slugify(self.name)
        self.sort_key = vietnamese.sort_key(self.display_name)
        self.search_text = vietnamese.searchable(self.name, self.short_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        if vietnamese.compact(self.name) == "":
            raise ValidationError({"name": _("Give the agency's name.")})
        if not self.slug:
            self.slug = vietnamese.slugify(self.name)

    @property
    def display_name(self):
        return self.short_name or self.name


class AgencyReporter(models.Model):
    """A user who reports one agency's self-assessment, and sees nothing of the other agencies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter", verbose_name=_("user")
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reporters", verbose_name=_("agency"))

    class Meta:
        verbose_name = _("agency reporter")
        verbose_name_plural = _("agency reporters")

    def __str__(self):
        return f"{self.user} · {self.agency}"


class Succession(models.Model):
    """A change in the agencies that takes effect in an evaluation year: one predecessor and (but for a dissolution)
    one successor per row. A merger of three is two rows with the same successor; a split in two, two rows with the
    same predecessor.

    The comparison rule (written on the method page): a renamed agency and one that absorbed others continue (their
    change in rank goes on); an agency formed from others or split from one is new that year (no change in rank),
    and shows its predecessors' results as theirs.
    """

    class Kind(models.TextChoices):
        RENAMED = "renamed", _("renamed")
        MERGED = "merged", _("merged into")
        FORMED = "formed", _("formed from")
        SPLIT = "split", _("split into")
        DISSOLVED = "dissolved", _("dissolved")

    # The successor goes on with the predecessor's history; otherwise it starts afresh.
    CONTINUING = {Kind.RENAMED, Kind.MERGED}
    # The successor did not exist before (a renamed agency is a new row under its new name).
    BEGINNING = {Kind.RENAMED, Kind.FORMED, Kind.SPLIT}

    year = models.PositiveSmallIntegerField(_("takes effect in"), validators=YEAR_RANGE,
                                            help_text=_("The first evaluation year it applies to."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    predecessor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="successions",
                                    verbose_name=_("predecessor"))
    successor = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="origins", null=True,
                                  blank=True, verbose_name=_("successor"))
    note = models.CharField(_("legal basis"), max_length=300, blank=True,
                            help_text=_("For example: Nghị định 45/2025/NĐ-CP."))

    history = History()

    class Meta:
        ordering = ["year", "successor__sort_key", "predecessor__sort_key"]
        verbose_name = _("succession")
        verbose_name_plural = _("successions (mergers, renames, splits)")
        constraints = [
            models.UniqueConstraint(fields=["year", "predecessor", "successor"], name="one_succession_per_pair",
                                    violation_error_message=_("This succession is already recorded.")),
            models.CheckConstraint(
                condition=Q(kind="dissolved", successor__isnull=True)
                | (~Q(kind="dissolved") & Q(successor__isnull=False) & ~Q(successor=F("predecessor"))),
                name="succession_has_another_successor_unless_dissolved",
                violation_error_message=_("Name the successor, another agency, unless the agency was dissolved."),
            ),
        ]

    def __str__(self):
        successor = f" → {self.successor}" if self.successor_id else ""
        return f"{self.year}: {self.predecessor} {self.get_kind_display()}{successor}"

    def clean(self):
        if self.predecessor_id is None or self.year is None:
            return  # the form names the missing field
        # One fate per agency: it ends the agency (a split into several is one fate of several rows, in one year).
        fates = Succession.objects.exclude(pk=self.pk).filter(predecessor=self.predecessor_id)
        if fates.exclude(kind=Succession.Kind.SPLIT, year=self.year).exists() or (
                fates.exists() and self.kind != self.Kind.SPLIT):
            raise ValidationError(_("%(agency)s already has its succession (%(fate)s): an agency is succeeded once "
                                    "(a split into several is one succession of several rows).")
                                  % {"agency": self.predecessor, "fate": fates.first()})
        # Participations (rankings.Participant) on the wrong side of it: the agency would take part after its end.
        if self.predecessor.participations.filter(year__year__gte=self.year).exists():
            raise ValidationError({"year": _("%(agency)s takes part in %(year)s or later: it cannot end in %(year)s.")
                                   % {"agency": self.predecessor, "year": self.year}})
        if self.successor_id and self.kind in self.BEGINNING and self.successor.participations.filter(
                year__year__lt=self.year).exists():
            raise ValidationError({"successor": _("%(agency)s already takes part before %(year)s: it cannot begin "
                                                  "then.") % {"agency": self.successor, "year": self.year}})
        if self.successor_id and self.successor_id != self.predecessor_id and self._leads_back():
            raise ValidationError({"successor": _("%(agency)s already comes, directly or not, from %(successor)s: the "
                                                  "successions would go round in a circle.")
                                   % {"successor": self.successor, "agency": self.predecessor}})

    def _leads_back(self):
        """Whether following successors from the successor reaches the predecessor again."""
        edges = {}
        for predecessor, successor in Succession.objects.exclude(pk=self.pk).filter(successor__isnull=False) \
                .values_list("predecessor_id", "successor_id"):
            edges.setdefault(predecessor, set()).add(successor)
        seen, todo = set(), [self.successor_id]
        while todo:
            current = todo.pop()
            if current == self.predecessor_id:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(edges.get(current, ()))
        return False
