from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.history_admin import ReadOnlyHistoryAdmin

from .models import CriteriaGroup, Criterion, EvaluationYear, ResultClass
from .services import change_year_status, copy_criteria

Status = EvaluationYear.Status


class CopyCriteriaForm(forms.Form):
    target_year = forms.IntegerField(label=_("Copy to year"), min_value=1900, max_value=9999)


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the year's history and shown on the method page."))


class FrozenYearAdmin(ReadOnlyHistoryAdmin):
    """What belongs to a published year is frozen: no change, no delete, one by one or in bulk."""

    def year_of(self, obj):
        return obj.year

    def is_frozen(self, obj):
        return obj is not None and self.year_of(obj).is_published

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_frozen(obj)

    def get_deleted_objects(self, objs, request):
        # The bulk delete action asks for no object's permission: a frozen object listed as protected stops it.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        frozen = [_("%(object)s (the year %(year)s is published)") % {"object": obj, "year": self.year_of(obj)}
                  for obj in objs if self.is_frozen(obj)]
        return deleted, counts, perms_needed, [*protected, *frozen]


@admin.register(EvaluationYear)
class EvaluationYearAdmin(FrozenYearAdmin):
    list_display = ["year", "status", "deadline", "published_on", "round"]
    list_filter = ["status"]
    search_fields = ["year", "note"]
    ordering = ["-year"]
    actions = ["copy_criteria_action", "open_self_assessment", "start_appraisal", "open_explanations", "publish",
               "unpublish"]
    # The status moves only through the actions, which check who may publish and ask a reason to go back.
    readonly_fields = ["status", "published_on"]

    def year_of(self, obj):
        return obj

    @admin.display(description=_("deadline of the stage"))
    def deadline(self, year):
        return year.deadline

    @admin.display(description=_("round"))
    def round(self, year):
        return format_html('<a href="{}">{}</a>', reverse("admin:rankings_round_board", args=[year.year]),
                           _("Progress"))

    def _move(self, request, queryset, status, reason=""):
        for year in queryset:
            try:
                change_year_status(year=year, status=status, reason=reason, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else _("Not allowed.")
                self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, _("%(year)s: %(status)s.") % {"year": year, "status": Status(status).label},
                                  messages.SUCCESS)

    @admin.action(description=_("Open for self-assessment"), permissions=["change"])
    def open_self_assessment(self, request, queryset):
        self._move(request, queryset.exclude(status=Status.PUBLISHED), Status.SELF_ASSESSMENT)

    @admin.action(description=_("Start the appraisal"), permissions=["change"])
    def start_appraisal(self, request, queryset):
        self._move(request, queryset.exclude(status=Status.PUBLISHED), Status.APPRAISAL)

    @admin.action(description=_("Open the explanations"), permissions=["change"])
    def open_explanations(self, request, queryset):
        self._move(request, queryset.exclude(status=Status.PUBLISHED), Status.EXPLANATION)

    @admin.action(description=_("Publish, by decision"), permissions=["publish"])
    def publish(self, request, queryset):
        """To the confirmation page (rankings), which checks what is missing and records the decision."""
        year = queryset.exclude(status=Status.PUBLISHED).first() if queryset.count() == 1 else None
        if year is None:
            self.message_user(request, _("Choose exactly one year that is not published."), messages.ERROR)
            return None
        return redirect("admin:rankings_publish", year=year.year)

    @admin.action(description=_("Unpublish, with a reason"), permissions=["publish"])
    def unpublish(self, request, queryset):
        form = UnpublishForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._move(request, queryset.filter(status=Status.PUBLISHED), Status.APPRAISAL, form.cleaned_data["reason"])
            return None
        return TemplateResponse(request, "admin/criteria/evaluationyear/unpublish.html", {
            **self.admin_site.each_context(request),
            "title": _("Unpublish"),
            "opts": self.model._meta,
            "years": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    def has_publish_permission(self, request):
        return request.user.has_perm("criteria.publish_evaluationyear")

    @admin.action(description=_("Copy the criteria to another year"), permissions=["add"])
    def copy_criteria_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one year to copy from."), messages.ERROR)
            return None
        source = queryset.get()
        form = CopyCriteriaForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                target, count = copy_criteria(source=source, target_year=form.cleaned_data["target_year"],
                                              user=request.user)
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
class CriteriaGroupAdmin(FrozenYearAdmin):
    list_display = ["code", "name", "short_name", "order", "agency_group", "year"]
    list_filter = ["year", "agency_group"]
    list_select_related = ["year", "agency_group"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["-year__year", "agency_group__order", "order"]


class CriteriaGroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):  # groups of every year and block share names: say whose
        return f"{obj.year} · {obj.agency_group} · {obj}"


@admin.register(Criterion)
class CriterionAdmin(FrozenYearAdmin):
    list_display = ["code", "name", "max_points", "rule", "criteria_group", "agency_group", "year", "parent"]
    list_filter = ["year", "agency_group", "rule"]
    list_select_related = ["criteria_group", "agency_group", "year", "parent"]
    search_fields = ["code", "name"]
    ordering = ["-year__year", "agency_group__order", "order", "code"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["year", "agency_group", "criteria_group", "parent", "code", "name", "name_en", "max_points",
                           "order"]}),
        (_("Scoring rule"), {"fields": ["rule", "points_per_item", "tiers", "unit"],
                             "description": _("Points entered by appraisers, or computed from the figures the agency "
                                              "reports; the public pages write the computation out.")}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criteria_group":
            kwargs.update(form_class=CriteriaGroupChoiceField,
                          queryset=CriteriaGroup.objects.select_related("year", "agency_group"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ResultClass)
class ResultClassAdmin(FrozenYearAdmin):
    list_display = ["name", "name_en", "min_percent", "agency_group", "year"]
    list_filter = ["year", "agency_group"]
    list_select_related = ["year", "agency_group"]
    ordering = ["-year__year", "agency_group__order", "-min_percent"]
