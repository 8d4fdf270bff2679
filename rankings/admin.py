import uuid
from pathlib import PurePath

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyGroup
from criteria.models import CriteriaGroup, Criterion, EvaluationYear

from . import score_export
from .exports import CONTENT_TYPES
from .forms import AgencyScoresForm, ScoreEntryChoiceForm, ScoreExportForm, ScoreImportForm
from .importing import PENDING_FOLDER, apply_import
from .models import Band, ImportLog, Score
from .problems import SheetError
from .services import save_agency_scores

admin.site.site_header = gettext_lazy("E-government ranking: administration")
admin.site.site_title = gettext_lazy("E-government ranking")

PENDING_IMPORT = "pending_score_import"  # session key: the sheet previewed and waiting for confirmation


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
            path("import/", self.admin_site.admin_view(self.import_view), name="rankings_score_import"),
            path("import/confirm/", self.admin_site.admin_view(self.import_confirm_view),
                 name="rankings_score_import_confirm"),
            path("import/cancel/", self.admin_site.admin_view(self.import_cancel_view),
                 name="rankings_score_import_cancel"),
            path("export/", self.admin_site.admin_view(self.export_view), name="rankings_score_export"),
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

    # Import: upload -> preview (a dry run) -> confirm or cancel. Between the two steps the file waits in
    # storage under a random name known only to this session; cancel deletes it, confirm imports it again
    # (the data may have changed meanwhile) and keeps it in the import log.

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        form = ScoreImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            year, agency_group = form.cleaned_data["year"], form.cleaned_data["agency_group"]
            content = upload.read()
            try:
                outcome = apply_import(content=content, filename=upload.name, year=year, agency_group=agency_group,
                                       dry_run=True)
            except SheetError as error:
                problems = [(p.row, p.column, p.reason(), p.reason_in("en")) for p in error.problems]
            else:
                self._discard_pending(request)
                pending = default_storage.save(f"{PENDING_FOLDER}/{uuid.uuid4().hex}{PurePath(upload.name).suffix}",
                                               ContentFile(content))
                request.session[PENDING_IMPORT] = {
                    "path": pending, "name": PurePath(upload.name).name, "year": year.year, "group": agency_group.slug,
                }
                return TemplateResponse(request, "admin/rankings/score/import_preview.html", {
                    **self.admin_site.each_context(request), "opts": self.opts,
                    "title": _("Check the import of %(name)s") % {"name": upload.name},
                    "outcome": outcome, "year": year, "agency_group": agency_group,
                })
        return TemplateResponse(request, "admin/rankings/score/import.html", {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Import scores from a spreadsheet"), "form": form, "problems": problems,
        })

    def import_confirm_view(self, request):
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        pending = request.session.get(PENDING_IMPORT)
        if not pending or not default_storage.exists(pending["path"]):
            self.message_user(request, _("There is no import waiting for confirmation."), messages.ERROR)
            return redirect("admin:rankings_score_import")
        with default_storage.open(pending["path"]) as handle:
            content = handle.read()
        try:
            outcome = apply_import(
                content=content, filename=pending["name"], user=request.user,
                year=get_object_or_404(EvaluationYear, year=pending["year"]),
                agency_group=get_object_or_404(AgencyGroup, slug=pending["group"]),
            )
        except SheetError as error:
            for problem in error.problems:
                self.message_user(request, problem.text(), messages.ERROR)
            return redirect("admin:rankings_score_import")
        finally:
            self._discard_pending(request)
        self.message_user(request, _(
            "Imported %(name)s: %(created)d scores created, %(updated)d updated, %(unchanged)d unchanged."
        ) % {"name": pending["name"], "created": outcome.created, "updated": outcome.updated,
             "unchanged": outcome.unchanged}, messages.SUCCESS)
        return redirect("admin:rankings_importlog_change", outcome.log.pk)

    def import_cancel_view(self, request):
        if request.method != "POST":
            raise PermissionDenied
        self._discard_pending(request)
        self.message_user(request, _("Import cancelled; nothing was changed."), messages.INFO)
        return redirect("admin:rankings_score_changelist")

    @staticmethod
    def _discard_pending(request):
        pending = request.session.pop(PENDING_IMPORT, None)
        if pending:
            default_storage.delete(pending["path"])

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ScoreExportForm(request.GET if "year" in request.GET else None)
        if form.is_valid():
            year, agency_group, fmt = (form.cleaned_data[k] for k in ("year", "agency_group", "format"))
            response = HttpResponse(score_export.WRITERS[fmt](year, agency_group), content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = f'attachment; filename="diem-{agency_group.slug}-{year.year}.{fmt}"'
            return response
        return TemplateResponse(request, "admin/rankings/score/export.html", {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Download a score sheet"), "form": form,
        })


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """The record of every confirmed import: read only, so that each score can be traced to its file."""

    list_display = ["applied_at", "file_name", "year", "agency_group", "user", "created", "updated", "unchanged"]
    list_filter = ["year", "agency_group"]
    list_select_related = ["year", "agency_group", "user"]
    search_fields = ["file_name", "sha256", "user__username"]
    readonly_fields = ["applied_at", "user", "file", "file_name", "sha256", "year", "agency_group", "created",
                       "updated", "unchanged"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
