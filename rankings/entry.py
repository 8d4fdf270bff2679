"""The admin's score entry screens: choose an agency and a year, enter its scores on one screen, read evidence.

Mixed into ScoreAdmin (rankings/admin.py), whose queryset and permissions they use; every save goes through
rankings.services.save_agency_scores, which checks the user's role, the year's stage and the freeze.
"""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, AgencyGroup
from common.numbers import points
from criteria.models import Criterion, EvaluationYear
from criteria.rules import Rule

from . import rounds
from .forms import AgencyScoresForm, ScoreEntryChoiceForm
from .models import Participant, Score
from .roles import is_ict_staff, may_read_scores_of, reporter_agency_id, sees_every_agency, visible_scores
from .round_views import ReopenForm, open_year
from .selectors import PublishedYears, block_ranking
from .services import editable_fields, save_agency_scores, scores_version, version_fields

Status = EvaluationYear.Status


class ScoreEntryViews:
    def entry_urls(self):
        view = self.admin_site.admin_view
        return [
            path("entry/", view(self.entry_choice_view), name="rankings_score_entry"),
            path("entry/<int:agency_id>/<int:year>/", view(self.entry_view), name="rankings_score_entry_form"),
            path("<int:pk>/evidence/", view(self.evidence_view), name="rankings_score_evidence"),
        ]

    def entry_choice_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        running = open_year()
        form = ScoreEntryChoiceForm(request.GET if "year" in request.GET else None,
                                    initial={"agency": request.GET.get("agency"), "year": running and running.year})
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
        block = AgencyGroup.objects.get(pk=Participant.objects.block_of(agency, year))
        block_criteria = Criterion.objects.filter(year=year, agency_group=block)
        criteria = list(block_criteria.scorable().select_related("criteria_group").order_by("order", "code"))
        stored = {s.criterion_id: s for s in Score.objects.filter(agency=agency, criterion__in=criteria)}
        editable = editable_fields(request.user, agency, year)
        if request.method == "POST" and not editable:
            raise PermissionDenied
        form = AgencyScoresForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            criteria=criteria, stored=stored, editable=editable,
            initial={"version": scores_version(agency, year, version_fields(request.user, agency, year))},
        )
        if form.is_valid():
            # "Accept" buttons save what was typed, then take the self-assessment of their criterion, or of every
            # criterion not appraised yet: both or neither.
            accept = request.POST.get("accept")
            try:
                with transaction.atomic():
                    save_agency_scores(agency=agency, year=year, changes=form.changes(),
                                       version=form.cleaned_data["version"], user=request.user)
                    if accept:
                        count = rounds.accept_self_assessment(agency=agency, year=year, user=request.user,
                                                              criterion_ids=self.chosen_criteria(accept))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, ngettext(
                    "%(count)d self-assessed score of %(agency)s accepted.",
                    "%(count)d self-assessed scores of %(agency)s accepted.", count) % {"count": count,
                                                                                      "agency": agency}
                    if accept else self.saved_message(agency, year, editable), messages.SUCCESS)
                return redirect(request.path)
        if form.is_bound and not form.is_valid():
            form.add_error(None, _("Nothing was saved. Correct the scores marked below."))

        # The result as the pages will show it (converted where criteria do not apply); the rank is derived from
        # every agency's scores: before publication, only those who read them all see it.
        ranking = block_ranking(published=PublishedYears(), year=year, block=block)
        standing = ranking.standing_of(agency.pk)
        show_rank = year.is_published or sees_every_agency(request.user)
        # Points relative to the block's best tell the others' figures: a reporter sees them once published, and
        # no total that holds them before.
        hides_relative = not show_rank and any(c.rule == Rule.RELATIVE for c in criteria)
        parents = {c.pk: c for c in block_criteria.filter(children__isnull=False).distinct()}
        progress = rounds.progress_of(year, block, agency)[0]  # the block read above
        is_reporter = reporter_agency_id(request.user) == agency.pk
        # An agency sees its appraised scores once the appraisal is over (explanation stage), not while it runs.
        shows_appraisal = not is_reporter or year.status in (Status.EXPLANATION, Status.PUBLISHED)
        appraising = (sees_every_agency(request.user) and year.status == Status.APPRAISAL and progress.submitted_at
                      and not progress.appraised_at)
        sections = []
        for criteria_group in year.criteria_groups.filter(agency_group=block).order_by("order", "code"):
            rows = [(parents.get(c.parent_id), c, stored.get(c.pk),
                     {name: form[AgencyScoresForm.field_name(name, c)] for name in form.names[c.pk]},
                     not (hides_relative and c.rule == Rule.RELATIVE),
                     any(form[AgencyScoresForm.field_name(name, c)].errors for name in form.names[c.pk]))
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
            "standing": None if hides_relative or not shows_appraisal else standing,
            "progress": progress,
            "is_reporter": is_reporter,
            "shows_appraisal": shows_appraisal,
            "appraisal_first": sees_every_agency(request.user),
            "may_submit": (is_reporter or is_ict_staff(request.user)) and year.status == Status.SELF_ASSESSMENT
            and not progress.submitted_at and not year.deadline_passed(),
            "may_reopen": is_ict_staff(request.user) and progress.submitted_at and not year.is_published,
            "appraising": appraising,
            "reopen_form": ReopenForm(),
            "total_hidden": hides_relative and standing is not None,
            "show_rank": show_rank,
            "max_total": ranking.max_total,
            "score_block": block,
            "is_nav_sidebar_enabled": False,  # every column of the appraisal fits 1280 px
            "other_years": EvaluationYear.objects.filter(
                Q(participants__agency=agency) | Q(criteria__agency_group=agency.group_id)).distinct(),
        }
        return TemplateResponse(request, "admin/rankings/score/entry.html", context)

    @staticmethod
    def saved_message(agency, year, editable):
        """What was saved, on the side the user works on: the self-assessment, or the appraisal."""
        saved = rounds.progress_of_agency(year, agency)
        params = {"agency": agency, "year": year, "count": len(saved.criteria)}
        if "self_assessed" in editable and "value" not in editable:
            return _("The scores of %(agency)s for %(year)s were saved: %(done)d of %(count)d criteria self-assessed, "
                     "%(points)s points in all.") % {**params, "done": saved.self_assessed_count,
                                                     "points": points(saved.self_assessed_total)}
        return _("The scores of %(agency)s for %(year)s were saved: %(done)d of %(count)d criteria appraised.") % {
            **params, "done": saved.appraised_count}

    @staticmethod
    def chosen_criteria(accept):
        """The criteria an Accept button names: "all" (None: every one not appraised yet), or one id."""
        if accept == "all":
            return None
        return {int(accept)} if accept.isascii() and accept.isdigit() else set()

    def evidence_view(self, request, pk):
        """An evidence file, to ICT staff, appraisers and the agency's own reporters only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The agency's own evidence in every stage (the score list hides a reporter's scores until the explanations).
        score = get_object_or_404(visible_scores(request.user, Score.objects.all()), pk=pk)
        if not score.evidence_file:
            raise Http404
        return FileResponse(score.evidence_file.open("rb"), as_attachment=True,
                            filename=PurePath(score.evidence_file.name).name)
