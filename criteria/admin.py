from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CriteriaGroup, Criterion, EvaluationYear
from .services import copy_criteria


class CopyCriteriaForm(forms.Form):
    target_year = forms.IntegerField(label=_("Copy to year"), min_value=1900, max_value=9999)


@admin.register(EvaluationYear)
class EvaluationYearAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "published_on"]
    list_filter = ["status"]
    search_fields = ["year", "note"]
    ordering = ["-year"]
    actions = ["copy_criteria_action"]

    @admin.action(description=_("Copy the criteria to another year"), permissions=["add"])
    def copy_criteria_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one year to copy from."), messages.ERROR)
            return None
        source = queryset.get()
        form = CopyCriteriaForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                target, count = copy_criteria(source=source, target_year=form.cleaned_data["target_year"])
            except ValidationError as error:
                form.add_error("target_year", error)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d criterion copied from %(source)s to %(target)s.",
                        "%(count)d criteria copied from %(source)s to %(target)s.",
                        count,
                    )
                    % {"count": count, "source": source, "target": target},
                    messages.SUCCESS,
                )
                return None
        return TemplateResponse(
            request,
            "admin/criteria/evaluationyear/copy_criteria.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Copy the criteria of %(year)s") % {"year": source},
                "opts": self.model._meta,
                "source": source,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(CriteriaGroup)
class CriteriaGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "max_points", "criteria_group", "agency_group", "year", "parent"]
    list_filter = ["year", "agency_group", "criteria_group"]
    list_select_related = ["criteria_group", "agency_group", "year", "parent"]
    search_fields = ["code", "name"]
    ordering = ["-year__year", "agency_group__order", "order", "code"]
    autocomplete_fields = ["parent"]
