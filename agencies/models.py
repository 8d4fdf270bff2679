from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import vietnamese
from common.text import localized


class AgencyGroup(models.Model):
    """A block of agencies ranked against each other, e.g. provincial departments."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("agency group")
        verbose_name_plural = _("agency groups")

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

    @property
    def localized_name(self):
        return localized(self.name, self.name_en)


class AgencyQuerySet(models.QuerySet):
    def alphabetical(self):
        return self.order_by("sort_key", "pk")


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

    objects = AgencyQuerySet.as_manager()

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
        self.search_text = vietnamese.fold(f"{self.name} {self.short_name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
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
