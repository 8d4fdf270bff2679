from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.widgets import TolerantAutocompleteMixin

from .models import Agency, AgencyGroup, AgencyReporter


@admin.register(AgencyGroup)
class AgencyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "order", "first_year", "last_year", "agency_count"]
    search_fields = ["name", "name_en", "slug"]
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agency_count=Count("agencies"))

    @admin.display(description=_("agencies"), ordering="agency_count")
    def agency_count(self, group):
        return group.agency_count


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "group", "is_active", "order", "enter_scores"]
    list_filter = ["group", "is_active"]
    list_select_related = ["group"]
    search_fields = ["name", "short_name", "slug"]
    ordering = ["group__order", "sort_key"]
    fields = ["name", "short_name", "slug", "group", "is_active", "order"]

    @admin.display(description=_("scores"))
    def enter_scores(self, agency):
        url = reverse("admin:rankings_score_entry") + f"?agency={agency.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Enter scores"))


@admin.register(AgencyReporter)
class AgencyReporterAdmin(TolerantAutocompleteMixin, admin.ModelAdmin):
    """Links a staff user (in the group of agency reporters) to the one agency they report for."""

    list_display = ["user", "agency"]
    list_select_related = ["user", "agency"]
    list_filter = ["agency__group"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["agency"]
