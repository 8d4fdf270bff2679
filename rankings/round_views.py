"""The round's screens in the admin: each role's home, the progress board, the steps of an agency's round
(submit, reopen, accept, finish the appraisal) and its explanations.

Mixed into ScoreAdmin (rankings/admin.py) beside the entry screens; every step goes through rankings.rounds, which
checks the user's role, the year's stage, its deadline and the agency's state.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.models import Agency
from criteria.models import Criterion, EvaluationYear

from . import appendix, press, rounds
from .models import Explanation
from .publication import completeness
from .roles import is_ict_staff, may_read_scores_of, reporter_agency_id, sees_every_agency
from .selectors import blocks_of

Status = EvaluationYear.Status
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why reopen it"), widget=forms.Textarea(attrs={"rows": 2}))


class ExplanationForm(forms.Form):
    criterion = forms.ModelChoiceField(label=gettext_lazy("Criterion"), queryset=Criterion.objects.none())
    text = forms.CharField(label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_url = forms.URLField(label=gettext_lazy("Evidence link"), required=False, assume_scheme="https")


class AnswerForm(forms.Form):
    explanation = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Explanation.Outcome, widget=forms.RadioSelect)
    answer = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    value = forms.DecimalField(label=gettext_lazy("Adjusted score"), required=False, max_digits=6, decimal_places=2,
                               localize=True)
    numerator = forms.DecimalField(label=gettext_lazy("Adjusted figure"), required=False, max_digits=14,
                                   decimal_places=2, localize=True, min_value=0)
    denominator = forms.DecimalField(label=gettext_lazy("Adjusted total"), required=False, max_digits=14,
                                     decimal_places=2, localize=True, min_value=0)


def open_year():
    """The year a round is running in: the latest one past its draft and not published, else the latest one."""
    years = EvaluationYear.objects.order_by("-year")
    return years.exclude(status__in=[Status.DRAFT, Status.PUBLISHED]).first() or years.first()


class RoundViews:
    STEPS = {"submit", "reopen", "finish"}  # accepting a self-assessment is a button of the entry form

    def round_urls(self):
        view = self.admin_site.admin_view
        return [
            path("round/", view(self.round_home_view), name="rankings_round_home"),
            path("round/<int:year>/", view(self.round_board_view), name="rankings_round_board"),
            path("round/<int:agency_id>/<int:year>/<str:step>/", view(require_POST(self.round_step_view)),
                 name="rankings_round_step"),
            path("explanations/<int:agency_id>/<int:year>/", view(self.explanations_view),
                 name="rankings_explanations"),
            path("appendix/<int:year>/", view(self.appendix_view), name="rankings_appendix"),
            path("summary/<int:year>/", view(self.summary_view), name="rankings_summary"),
        ]

    def round_home_view(self, request):
        """Where each role starts: a reporter on its agency's scores of the open year, the others on the board."""
        year = open_year()
        agency_id = reporter_agency_id(request.user)
        if year is not None and agency_id is not None:
            return redirect("admin:rankings_score_entry_form", agency_id=agency_id, year=year.year)
        if year is not None and sees_every_agency(request.user):
            return redirect("admin:rankings_round_board", year=year.year)
        raise PermissionDenied

    def round_board_view(self, request, year):
        """Every agency of the year, block by block, where it stands; what awaits appraisal; what blocks
        publication. For ICT staff and appraisers."""
        if not sees_every_agency(request.user):
            raise PermissionDenied
        year = get_object_or_404(EvaluationYear, year=year)
        blocks = []
        for block in blocks_of(year):
            progress = rounds.progress_of(year, block)
            counts = [(state.label, count) for state in rounds.State
                      if (count := sum(p.state == state for p in progress))]
            blocks.append((block, progress, counts))
        waiting = [p for _block, progress, _counts in blocks for p in progress if p.state == rounds.State.SUBMITTED]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The round of %(year)s") % {"year": year},
            "year": year,
            "years": EvaluationYear.objects.order_by("-year"),
            "blocks": blocks,
            "waiting": waiting,
            "blocking": completeness(year).lines() if is_ict_staff(request.user) and not year.is_published else [],
            "is_ict_staff": is_ict_staff(request.user),
        }
        return TemplateResponse(request, "admin/rankings/round/board.html", context)

    def round_step_view(self, request, agency_id, year, step):
        """One step of an agency's round, posted from its entry screen."""
        if step not in self.STEPS or not may_read_scores_of(request.user, agency_id):
            raise PermissionDenied
        agency = get_object_or_404(Agency, pk=agency_id)
        year = get_object_or_404(EvaluationYear, year=year)
        try:
            if step == "submit":
                rounds.submit(agency=agency, year=year, user=request.user)
                done = _("The self-assessment of %(agency)s is submitted; the appraisers are told.")
            elif step == "reopen":
                form = ReopenForm(request.POST)
                rounds.reopen(agency=agency, year=year, user=request.user,
                             reason=form.cleaned_data["reason"] if form.is_valid() else "")
                done = _("The self-assessment of %(agency)s is open again; its reporters are told.")
            else:
                rounds.finish_appraisal(agency=agency, year=year, user=request.user)
                done = _("The appraisal of %(agency)s is finished; its reporters are told.")
        except ValidationError as error:
            for text in error.messages:
                self.message_user(request, text, messages.ERROR)
        else:
            self.message_user(request, done % {"agency": agency}, messages.SUCCESS)
        return redirect("admin:rankings_score_entry_form", agency_id=agency.pk, year=year.year)

    def explanations_view(self, request, agency_id, year):
        """An agency's appraised scores and its explanations: the agency files them, appraisers answer.

        The agency's reporters see their appraised scores from the explanation stage on, nothing before.
        """
        if not may_read_scores_of(request.user, agency_id):
            raise PermissionDenied
        agency = get_object_or_404(Agency, pk=agency_id)
        year = get_object_or_404(EvaluationYear, year=year)
        is_reporter = reporter_agency_id(request.user) == agency.pk
        if is_reporter and year.status not in (Status.EXPLANATION, Status.PUBLISHED):
            raise PermissionDenied
        progress = rounds.progress_of_agency(year, agency)
        may_file = is_reporter and year.status == Status.EXPLANATION and not year.deadline_passed()
        may_answer = sees_every_agency(request.user) and not is_reporter and year.status == Status.EXPLANATION
        explained = {e.score.criterion_id for e in progress.explanations}
        file_form = ExplanationForm(request.POST if request.method == "POST" and "text" in request.POST else None)
        file_form.fields["criterion"].queryset = Criterion.objects.filter(
            pk__in=[c.pk for c in progress.criteria if rounds.is_appraised(progress.scores.get(c.pk))
                    and c.pk not in explained])
        answer_form = AnswerForm(request.POST if request.method == "POST" and "outcome" in request.POST else None)
        if request.method == "POST":
            try:
                if file_form.is_bound and may_file and file_form.is_valid():
                    rounds.file_explanation(agency=agency, year=year, user=request.user, **file_form.cleaned_data)
                    self.message_user(request, _("Your explanation is filed; the appraisers are told."),
                                      messages.SUCCESS)
                    return redirect(request.path)
                if answer_form.is_bound and may_answer and answer_form.is_valid():
                    data = answer_form.cleaned_data
                    explanation = get_object_or_404(Explanation, pk=data.pop("explanation"), score__agency=agency,
                                                    score__criterion__year=year)
                    rounds.answer_explanation(explanation=explanation, user=request.user, **data)
                    self.message_user(request, _("The explanation is answered; the agency is told."),
                                      messages.SUCCESS)
                    return redirect(request.path)
                if not (may_file and file_form.is_bound) and not (may_answer and answer_form.is_bound):
                    raise PermissionDenied
            except ValidationError as error:
                (file_form if file_form.is_bound else answer_form).add_error(None, error)
        rows = [(c, progress.scores.get(c.pk), getattr(progress.scores.get(c.pk), "explanation", None))
                for c in progress.criteria]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Explanations of %(agency)s, %(year)s") % {"agency": progress.name, "year": year},
            "agency": agency,
            "year": year,
            "rows": rows,
            "may_file": may_file,
            "may_answer": may_answer,
            "file_form": file_form,
            "answer_form": answer_form,
            "outcomes": Explanation.Outcome,
        }
        return TemplateResponse(request, "admin/rankings/round/explanations.html", context)

    def _year_for_documents(self, request, year):
        """The decision's appendix and the press summary are drafted before the decision: ICT staff and appraisers
        read them in any year."""
        if not sees_every_agency(request.user):
            raise PermissionDenied
        return get_object_or_404(EvaluationYear, year=year)

    def appendix_view(self, request, year):
        """The appendix of the decision: a printable page, or a Word document with ?format=docx."""
        year = self._year_for_documents(request, year)
        if request.GET.get("format") == "docx":
            response = HttpResponse(appendix.appendix_docx(year), content_type=DOCX)
            response["Content-Disposition"] = f'attachment; filename="phu-luc-xep-hang-{year.year}.docx"'
            return response
        with translation.override(settings.LANGUAGE_CODE):
            context = {"year": year, "title": appendix.title(year), "decision": appendix.decision_line(year),
                       "tables": appendix.appendix_tables(year), "heading": _("Appendix")}
            return TemplateResponse(request, "admin/rankings/round/appendix.html", context).render()

    def summary_view(self, request, year):
        year = self._year_for_documents(request, year)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Press summary, %(year)s") % {"year": year},
            "year": year,
            "paragraphs": press.publication_summary(year).split("\n\n"),
        }
        return TemplateResponse(request, "admin/rankings/round/summary.html", context)
