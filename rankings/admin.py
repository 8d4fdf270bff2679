from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from agencies.models import Succession
from common.history_admin import ReadOnlyHistoryAdmin
from criteria.admin import FrozenYearAdmin
from criteria.models import EvaluationYear

from .entry import ScoreEntryViews
from .models import Band, Participant, Score
from .publication import completeness, publish_year
from .roles import may_import, reaches_scores, scores_in_sight, sees_every_agency
from .round_views import RoundViews

admin.site.site_header = gettext_lazy("E-government ranking: administration")
admin.site.site_title = gettext_lazy("E-government ranking")
admin.site.index_title = gettext_lazy("Administration")

@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "min_percent"]
    ordering = ["-min_percent"]


# A succession changes the comparison of every year from the one it takes effect in.
FROZEN_SUCCESSION_MESSAGE = gettext_lazy("A year from %(year)s on is published: a succession taking effect then would "
                                         "change its results. Unpublish that year first, with a reason.")


class PublishForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Decision number"), max_length=50,
                                      help_text=gettext_lazy("For example 768/QĐ-UBND."))
    signed_on = forms.DateField(label=gettext_lazy("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    incomplete_reason = forms.CharField(
        label=gettext_lazy("Why publish it incomplete"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Needed only when something is missing; shown on the method page."))


class SuccessionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year and EvaluationYear.objects.published().filter(year__gte=year).exists():
            raise ValidationError(FROZEN_SUCCESSION_MESSAGE % {"year": year})
        return cleaned


@admin.register(Succession)
class SuccessionAdmin(FrozenYearAdmin):
    """Renames, mergers, formations, splits and dissolutions, with the year they take effect (kept in the history).

    Registered here, where years are known: one taking effect in or before a published year is frozen with it
    (FrozenYearAdmin reads its year number as the year).
    """

    form = SuccessionForm
    list_display = ["year", "predecessor", "kind", "successor", "note"]
    list_filter = ["year", "kind"]
    list_select_related = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name", "note"]
    autocomplete_fields = ["predecessor", "successor"]

    def is_frozen(self, obj):
        return obj is not None and EvaluationYear.objects.published().filter(year__gte=obj.year).exists()


@admin.register(Participant)
class ParticipantAdmin(FrozenYearAdmin):
    """Who is evaluated in a year, in which block and under which name, and who is left out of the ranking.

    Made with an agency's current name and block when its first score of the year is saved or imported; edited
    here for the names of the time, a move between blocks, or an agency shown but not ranked.
    """

    list_display = ["name", "short_name", "block", "year", "agency", "unranked_reason"]
    list_filter = ["year", "block"]
    list_select_related = ["agency", "year", "block"]
    search_fields = ["name", "short_name", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(Score)
class ScoreAdmin(ScoreEntryViews, RoundViews, ReadOnlyHistoryAdmin):
    """Scores, read only: reporters see only their agency's, ICT staff and appraisers every agency's.

    Every score is written on the entry screen (rankings/entry.py) or by an import (imports/admin.py), both
    through rankings.services, which know what each role may edit in each stage of the year; the stock add,
    change and delete views write nothing.
    """

    list_display = ["agency", "criterion_code", "criterion_year", "self_assessed", "value", "evidence"]
    list_filter = ["criterion__year", "agency__group", "not_applicable"]
    list_select_related = ["agency", "criterion", "criterion__year"]
    search_fields = ["agency__name", "agency__short_name", "criterion__code", "criterion__name"]
    ordering = ["-criterion__year__year", "agency__sort_key", "criterion__order"]
    autocomplete_fields = ["agency", "criterion"]
    fields = ["agency", "criterion", "self_assessed", "reported_numerator", "reported_denominator", "evidence_url",
              "evidence", "value", "numerator", "denominator", "appraisal_comment", "not_applicable",
              "not_applicable_reason"]
    readonly_fields = ["evidence"]

    def get_queryset(self, request):
        return scores_in_sight(request.user, super().get_queryset(request))

    def visible_history(self, request, records):
        return scores_in_sight(request.user, records)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and reaches_scores(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("evidence"))
    def evidence(self, score):
        if not score.evidence_file:
            return format_html('<a href="{0}" rel="noopener">{0}</a>', score.evidence_url) if score.evidence_url else ""
        url = reverse("admin:rankings_score_evidence", args=[score.pk])
        return format_html('<a href="{}">{}</a>', url, PurePath(score.evidence_file.name).name)

    @admin.display(description=gettext_lazy("criterion"), ordering="criterion__code")
    def criterion_code(self, score):
        return score.criterion.code

    @admin.display(description=gettext_lazy("year"), ordering="criterion__year__year")
    def criterion_year(self, score):
        return score.criterion.year

    def get_urls(self):
        publish = path("publish/<int:year>/", self.admin_site.admin_view(self.publish_view), name="rankings_publish")
        return [*self.entry_urls(), *self.round_urls(), publish, *super().get_urls()]

    def publish_view(self, request, year):
        """Publishing a year: what is still missing, and the decision that approves the results."""
        if not request.user.has_perm("criteria.publish_evaluationyear"):
            raise PermissionDenied
        year = get_object_or_404(EvaluationYear.objects.exclude(status=EvaluationYear.Status.PUBLISHED), year=year)
        form = PublishForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                publish_year(year=year, user=request.user, decision_number=form.cleaned_data["decision_number"],
                             signed_on=form.cleaned_data["signed_on"],
                             incomplete_reason=form.cleaned_data["incomplete_reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, gettext("%(year)s is published.") % {"year": year}, messages.SUCCESS)
                return redirect("admin:criteria_evaluationyear_changelist")
        return TemplateResponse(request, "admin/rankings/publish.html", {
            **self.admin_site.each_context(request),
            "title": gettext("Publish %(year)s") % {"year": year},
            "opts": self.opts,
            "year": year,
            "form": form,
            "missing": completeness(year).lines(),
        })

    def changelist_view(self, request, extra_context=None):
        # Only the buttons this user can use.
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import(request.user),
                                                 "sees_every_agency": sees_every_agency(request.user)})
