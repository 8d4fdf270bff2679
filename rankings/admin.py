import uuid
from pathlib import PurePath

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyGroup
from common.history_admin import ReadOnlyHistoryAdmin
from criteria.models import CriteriaGroup, Criterion, EvaluationYear

from . import score_export
from .exports import CONTENT_TYPES
from .files import private_storage
from .forms import AgencyScoresForm, ScoreEntryChoiceForm, ScoreExportForm, ScoreImportForm
from .importing import PENDING_FOLDER, apply_import, expire_import_previews
from .models import Band, ImportLog, Score
from .problems import SheetError
from .roles import may_read_scores_of, reaches_scores, reporter_agency_id, sees_every_agency, visible_scores
from .services import SCORE_FIELDS, editable_fields, save_agency_scores, scores_version

admin.site.site_header = gettext_lazy("E-government ranking: administration")
admin.site.site_title = gettext_lazy("E-government ranking")

PENDING_IMPORT = "pending_score_import"  # session key: the sheet previewed and waiting for confirmation


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "min_percent"]
    ordering = ["-min_percent"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyHistoryAdmin):
    """Scores, read only: reporters see only their agency's, ICT staff and appraisers every agency's.

    Every score is written on the entry screen or by an import, both through rankings.services, which know
    what each role may edit in each stage of the year; the stock add, change and delete views write nothing.
    """

    list_display = ["agency", "criterion_code", "criterion_year", "self_assessed", "value", "evidence"]
    list_filter = ["criterion__year", "agency__group", "criterion__criteria_group"]
    list_select_related = ["agency", "criterion", "criterion__year"]
    search_fields = ["agency__name", "agency__short_name", "criterion__code", "criterion__name"]
    ordering = ["-criterion__year__year", "agency__sort_key", "criterion__order"]
    autocomplete_fields = ["agency", "criterion"]
    fields = ["agency", "criterion", "self_assessed", "evidence_url", "evidence", "value", "appraisal_comment"]
    readonly_fields = ["evidence"]

    def get_queryset(self, request):
        return visible_scores(request.user, super().get_queryset(request))

    def visible_history(self, request, records):
        return visible_scores(request.user, records)

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
            path("<int:pk>/evidence/", self.admin_site.admin_view(self.evidence_view), name="rankings_score_evidence"),
            *super().get_urls(),
        ]

    def entry_choice_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ScoreEntryChoiceForm(request.GET if "year" in request.GET else None,
                                    initial={"agency": request.GET.get("agency")})
        if reporter_agency_id(request.user) is not None:
            form.fields["agency"].queryset = form.fields["agency"].queryset.filter(pk=reporter_agency_id(request.user))
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
        if not self.has_view_permission(request) or not may_read_scores_of(request.user, agency_id):
            raise PermissionDenied
        agency = get_object_or_404(Agency.objects.select_related("group"), pk=agency_id)
        year = get_object_or_404(EvaluationYear, year=year)
        block_criteria = Criterion.objects.filter(year=year, agency_group=agency.group_id)
        criteria = list(block_criteria.scorable().select_related("criteria_group").order_by("order", "code"))
        stored = {s.criterion_id: s for s in Score.objects.filter(agency=agency, criterion__in=criteria)}
        editable = editable_fields(request.user, agency, year)
        if request.method == "POST" and not editable:
            raise PermissionDenied
        form = AgencyScoresForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            criteria=criteria, stored=stored, editable=editable,
            initial={"version": scores_version(agency, year)},
        )
        if form.is_valid():
            try:
                save_agency_scores(agency=agency, year=year, changes=form.changes(),
                                   version=form.cleaned_data["version"], user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, _("The scores of %(agency)s for %(year)s were saved.") % {"agency": agency, "year": year},
                    messages.SUCCESS,
                )
                return redirect(request.path)
        if form.is_bound and not form.is_valid():
            form.add_error(None, _("Nothing was saved. Correct the scores marked below."))

        # The rank is derived from every agency's scores: before publication, only those who read them all see it.
        standing = next(
            (row for row in Score.objects.filter(criterion__year=year, agency__group=agency.group_id).ranking()
             if row["agency_id"] == agency.pk),
            None,
        ) if year.is_published or sees_every_agency(request.user) else None
        appraised = [score.value for score in stored.values() if score.value is not None]
        parents = {c.pk: c for c in block_criteria.filter(children__isnull=False).distinct()}
        sections = []
        for criteria_group in CriteriaGroup.objects.all():
            rows = [(parents.get(c.parent_id), c, stored.get(c.pk),
                     [form[AgencyScoresForm.field_name(name, c)] for name in SCORE_FIELDS])
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
            "editable": editable,
            "sections": sections,
            "standing": standing,
            "own_total": sum(appraised) if appraised else None,
            "max_total": sum(c.max_points for c in criteria),
            "other_years": EvaluationYear.objects.filter(criteria__agency_group=agency.group_id).distinct(),
        }
        return TemplateResponse(request, "admin/rankings/score/entry.html", context)

    def evidence_view(self, request, pk):
        """An evidence file, to ICT staff, appraisers and the agency's own reporters only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        score = get_object_or_404(self.get_queryset(request), pk=pk)
        if not score.evidence_file:
            raise Http404
        return FileResponse(score.evidence_file.open("rb"), as_attachment=True,
                            filename=PurePath(score.evidence_file.name).name)

    # Import: upload -> preview (a dry run) -> confirm or cancel. Between the two steps the file waits in
    # storage under a random name known only to this session; cancel deletes it, confirm imports it again
    # (the data may have changed meanwhile) and keeps it in the import log.

    def import_view(self, request):
        if not request.user.has_perm("rankings.import_scores"):
            raise PermissionDenied
        form = ScoreImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            year, agency_group = form.cleaned_data["year"], form.cleaned_data["agency_group"]
            content = upload.read()
            try:
                outcome = apply_import(content=content, filename=upload.name, year=year, agency_group=agency_group,
                                       user=request.user, dry_run=True)
            except SheetError as error:
                problems = [(p.row, p.column, p.reason(), p.reason_in("en")) for p in error.problems]
            else:
                self._discard_pending(request)
                expire_import_previews()
                pending = private_storage().save(
                    f"{PENDING_FOLDER}/{uuid.uuid4().hex}{PurePath(upload.name).suffix}", ContentFile(content)
                )
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
        if request.method != "POST" or not request.user.has_perm("rankings.import_scores"):
            raise PermissionDenied
        pending = request.session.get(PENDING_IMPORT)
        if not pending or not private_storage().exists(pending["path"]):
            self.message_user(request, _("There is no import waiting for confirmation."), messages.ERROR)
            return redirect("admin:rankings_score_import")
        with private_storage().open(pending["path"]) as handle:
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
        if request.method != "POST" or not request.user.has_perm("rankings.import_scores"):
            raise PermissionDenied
        self._discard_pending(request)
        self.message_user(request, _("Import cancelled; nothing was changed."), messages.INFO)
        return redirect("admin:rankings_score_changelist")

    @staticmethod
    def _discard_pending(request):
        pending = request.session.pop(PENDING_IMPORT, None)
        if pending:
            private_storage().delete(pending["path"])

    def export_view(self, request):
        # A whole block's scores: not for agency reporters, who see only their own agency.
        if not self.has_view_permission(request) or not sees_every_agency(request.user):
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
    fields = readonly_fields = ["applied_at", "user", "download", "sha256", "year", "agency_group", "created",
                                "updated", "unchanged"]

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [path("<int:pk>/file/", download, name="rankings_importlog_file"), *super().get_urls()]

    @admin.display(description=gettext_lazy("file"))
    def download(self, log):
        url = reverse("admin:rankings_importlog_file", args=[log.pk])
        return format_html('<a href="{}">{}</a>', url, log.file_name)

    def download_view(self, request, pk):
        if not self.has_view_permission(request):  # before the look-up: a refusal tells nothing of which ids exist
            raise PermissionDenied
        log = get_object_or_404(ImportLog, pk=pk)
        return FileResponse(log.file.open("rb"), as_attachment=True, filename=log.file_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the trace of where scores came from stays
