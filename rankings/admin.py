from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from criteria.models import CriteriaGroup, Criterion, EvaluationYear

from .forms import AgencyScoresForm, ScoreEntryChoiceForm
from .models import Band, Score
from .services import save_agency_scores


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "min_percent"]
    ordering = ["-min_percent"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["agency", "criterion_code", "criterion_year", "value"]
    list_filter = ["criterion__year", "agency__group", "criterion__criteria_group"]
    list_select_related = ["agency", "criterion", "criterion__year"]
    search_fields = ["agency__name", "agency__short_name", "criterion__code", "criterion__name"]
    ordering = ["-criterion__year__year", "agency__sort_key", "criterion__order"]
    autocomplete_fields = ["agency", "criterion"]

    @admin.display(description=gettext_lazy("criterion"), ordering="criterion__code")
    def criterion_code(self, score):
        return score.criterion.code

    @admin.display(description=gettext_lazy("year"), ordering="criterion__year__year")
    def criterion_year(self, score):
        return score.criterion.year

    def get_urls(self):
        entry = self.admin_site.admin_view(self.entry_view)
        choose = self.admin_site.admin_view(self.entry_choice_view)
        return [
            path("entry/", choose, name="rankings_score_entry"),
            path("entry/<int:agency_id>/<int:year>/", entry, name="rankings_score_entry_form"),
            *super().get_urls(),
        ]

    def entry_choice_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ScoreEntryChoiceForm(request.GET if "year" in request.GET else None,
                                    initial={"agency": request.GET.get("agency")})
        if form.is_valid():
            return redirect(
                "admin:rankings_score_entry_form",
                agency_id=form.cleaned_data["agency"].pk,
                year=form.cleaned_data["year"].year,
            )
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": _("Enter an agency's scores")}
        return TemplateResponse(request, "admin/rankings/score/entry_choice.html", context)

    def entry_view(self, request, agency_id, year):
        """Every scored criterion of the agency's block and year on one screen, saved all or nothing."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        agency = get_object_or_404(Agency.objects.select_related("group"), pk=agency_id)
        year = get_object_or_404(EvaluationYear, year=year)
        block_criteria = Criterion.objects.filter(year=year, agency_group=agency.group_id)
        criteria = list(block_criteria.scorable().select_related("criteria_group").order_by("order", "code"))
        stored = dict(Score.objects.filter(agency=agency, criterion__in=criteria).values_list("criterion", "value"))
        form = AgencyScoresForm(
            request.POST if request.method == "POST" else None,
            criteria=criteria,
            initial={AgencyScoresForm.field_name(c): stored.get(c.pk) for c in criteria},
        )
        if form.is_valid():
            try:
                save_agency_scores(agency=agency, year=year, values=form.values())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, _("The scores of %(agency)s for %(year)s were saved.") % {"agency": agency, "year": year},
                    messages.SUCCESS,
                )
                return redirect(request.path)
        elif form.is_bound:
            form.add_error(None, _("Nothing was saved. Correct the scores marked below."))

        standing = next(
            (row for row in Score.objects.filter(criterion__year=year, agency__group=agency.group_id).ranking()
             if row["agency_id"] == agency.pk),
            None,
        )
        parents = {c.pk: c for c in block_criteria.filter(children__isnull=False).distinct()}
        sections = []
        for criteria_group in CriteriaGroup.objects.all():
            rows = [(parents.get(c.parent_id), form[AgencyScoresForm.field_name(c)], c)
                    for c in criteria if c.criteria_group_id == criteria_group.pk]
            if rows:
                sections.append((criteria_group, rows))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Scores of %(agency)s, %(year)s") % {"agency": agency, "year": year},
            "agency": agency,
            "year": year,
            "form": form,
            "sections": sections,
            "standing": standing,
            "max_total": sum(c.max_points for c in criteria),
            "other_years": EvaluationYear.objects.filter(criteria__agency_group=agency.group_id).distinct(),
        }
        return TemplateResponse(request, "admin/rankings/score/entry.html", context)
