import uuid
from pathlib import PurePath

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import AgencyGroup
from common.spreadsheets import CONTENT_TYPES
from criteria.models import EvaluationYear
from rankings.files import private_storage
from rankings.models import ImportLog, Score
from rankings.roles import may_import, sees_every_agency

from . import score_sheet
from .forms import ScoreExportForm, ScoreImportForm
from .importing import PENDING_FOLDER, apply_import, expire_import_previews
from .problems import SheetError

PENDING_IMPORT = "pending_score_import"  # session key: the sheet previewed and waiting for confirmation


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """The record of every confirmed import: read only, so that each score can be traced to its file.

    Its screens import a sheet (upload, preview, confirm or cancel) and download a year's score sheet.
    """

    list_display = ["applied_at", "file_name", "year", "agency_group", "user", "created", "updated", "unchanged"]
    list_filter = ["year", "agency_group"]
    list_select_related = ["year", "agency_group", "user"]
    search_fields = ["file_name", "sha256", "user__username"]
    fields = readonly_fields = ["applied_at", "user", "download", "sha256", "year", "agency_group", "created",
                                "updated", "unchanged"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="rankings_importlog_import"),
            path("import/confirm/", view(self.import_confirm_view), name="rankings_importlog_import_confirm"),
            path("import/cancel/", view(self.import_cancel_view), name="rankings_importlog_import_cancel"),
            path("export/", view(self.export_view), name="rankings_importlog_export"),
            path("<int:pk>/file/", view(self.download_view), name="rankings_importlog_file"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("file"))
    def download(self, log):
        url = reverse("admin:rankings_importlog_file", args=[log.pk])
        return format_html('<a href="{}">{}</a>', url, log.file_name)

    def download_view(self, request, pk):
        if not self.has_view_permission(request):  # before the look-up: a refusal tells nothing of which ids exist
            raise PermissionDenied
        log = get_object_or_404(ImportLog, pk=pk)
        return FileResponse(log.file.open("rb"), as_attachment=True, filename=log.file_name)

    # Import: upload -> preview (a dry run) -> confirm or cancel. Between the two steps the file waits in
    # storage under a random name known only to this session; cancel deletes it, confirm imports it again
    # (the data may have changed meanwhile) and keeps it in the import log.

    def import_view(self, request):
        if not may_import(request.user):
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
                return TemplateResponse(request, "admin/rankings/importlog/import_preview.html", {
                    **self.admin_site.each_context(request), "opts": self.opts,
                    "title": _("Check the import of %(name)s") % {"name": upload.name},
                    "outcome": outcome, "year": year, "agency_group": agency_group,
                })
        return TemplateResponse(request, "admin/rankings/importlog/import.html", {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Import scores from a spreadsheet"), "form": form, "problems": problems,
        })

    def import_confirm_view(self, request):
        if request.method != "POST" or not may_import(request.user):
            raise PermissionDenied
        pending = request.session.get(PENDING_IMPORT)
        if not pending or not private_storage().exists(pending["path"]):
            self.message_user(request, _("There is no import waiting for confirmation."), messages.ERROR)
            return redirect("admin:rankings_importlog_import")
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
            return redirect("admin:rankings_importlog_import")
        finally:
            self._discard_pending(request)
        self.message_user(request, _(
            "Imported %(name)s: %(created)d scores created, %(updated)d updated, %(unchanged)d unchanged."
        ) % {"name": pending["name"], "created": outcome.created, "updated": outcome.updated,
             "unchanged": outcome.unchanged}, messages.SUCCESS)
        return redirect("admin:rankings_importlog_change", outcome.log.pk)

    def import_cancel_view(self, request):
        if request.method != "POST" or not may_import(request.user):
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
        if not sees_every_agency(request.user):
            raise PermissionDenied
        form = ScoreExportForm(request.GET if "year" in request.GET else None)
        if form.is_valid():
            year, agency_group, fmt = (form.cleaned_data[k] for k in ("year", "agency_group", "format"))
            response = HttpResponse(score_sheet.WRITERS[fmt](year, agency_group), content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = f'attachment; filename="diem-{agency_group.slug}-{year.year}.{fmt}"'
            return response
        return TemplateResponse(request, "admin/rankings/importlog/export.html", {
            **self.admin_site.each_context(request), "opts": Score._meta,  # appraisers come from the scores' list
            "title": _("Download a score sheet"), "form": form,
        })


    def has_view_permission(self, request, obj=None):
        # The files hold every agency of a block: not for a user linked to one agency, whatever its groups.
        return super().has_view_permission(request, obj) and sees_every_agency(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the trace of where scores came from stays
