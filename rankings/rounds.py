"""The evaluation round, agency by agency (docs: domain notes, "How a round runs"):

guidance → self-assessment with evidence, submitted by the deadline → appraisal, which accepts or adjusts each
score → the agency's explanations (giải trình), each answered → publication by decision (rankings.publication).

`progress_of` says where each agency stands; the functions below are the only writers of AgencyRound and
Explanation, and each checks the user's role, the year's stage, its deadline and the agency's own state. Each step
tells the people it concerns by e-mail (rankings.notifications).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import AgencyGroup
from common.numbers import points
from common.text import is_blank
from criteria.models import Criterion, EvaluationYear

from . import notifications
from .models import AgencyRound, Explanation, Participant, Score
from .roles import is_ict_staff, reporter_agency_id, sees_every_agency
from .selectors import Member, block_members, blocks_of
from .services import FIGURE_FIELDS, apply_agency_scores

Status = EvaluationYear.Status


class State(models.TextChoices):
    """Where an agency stands in a year's round, in the order it goes through them."""

    NOT_STARTED = "not_started", gettext_lazy("Not started")
    IN_PROGRESS = "in_progress", gettext_lazy("Self-assessment in progress")
    SUBMITTED = "submitted", gettext_lazy("Submitted, awaiting appraisal")
    APPRAISED = "appraised", gettext_lazy("Appraised")
    EXPLANATION_OPEN = "explanation_open", gettext_lazy("Explanation awaiting an answer")
    EXPLANATION_ANSWERED = "explanation_answered", gettext_lazy("Explanations answered")


def is_self_assessed(score):
    """The agency gave its own score or figures (a rule relative to the block's best has figures only)."""
    return score is not None and (score.self_assessed is not None or score.reported_numerator is not None)


def has_evidence(score):
    """Evidence, or a written account of how the score was reached."""
    return bool(score.evidence_url or score.evidence_file or not is_blank(score.scoring_note))


def is_appraised(score):
    return score is not None and (score.value is not None or score.not_applicable)


@dataclass
class AgencyProgress:
    agency: object
    name: str  # of that year
    criteria: list  # the block's scored criteria
    scores: dict  # criterion id -> Score
    round: AgencyRound | None
    explanations: list = field(default_factory=list)

    @property
    def not_self_assessed(self):
        return [c for c in self.criteria if not is_self_assessed(self.scores.get(c.pk))]

    @property
    def self_assessed_count(self):
        return len(self.criteria) - len(self.not_self_assessed)

    @property
    def lacking_evidence(self):
        """Criteria self-assessed with neither evidence nor an account of how they were scored."""
        return [c for c in self.criteria if is_self_assessed(self.scores.get(c.pk))
                and not has_evidence(self.scores[c.pk])]

    @property
    def not_appraised(self):
        return [c for c in self.criteria if not is_appraised(self.scores.get(c.pk))]

    @property
    def appraised_count(self):
        return len(self.criteria) - len(self.not_appraised)

    @property
    def self_assessed_total(self):
        return sum((s.self_assessed for s in self.scores.values() if s.self_assessed is not None), Decimal(0))

    @property
    def open_explanations(self):
        return [e for e in self.explanations if not e.is_answered]

    @property
    def submitted_at(self):
        return self.round.submitted_at if self.round else None

    @property
    def appraised_at(self):
        return self.round.appraised_at if self.round else None

    @property
    def state(self):
        if self.open_explanations:
            return State.EXPLANATION_OPEN
        if self.explanations:
            return State.EXPLANATION_ANSWERED
        if self.appraised_at:
            return State.APPRAISED
        if self.submitted_at:
            return State.SUBMITTED
        return State.IN_PROGRESS if self.scores else State.NOT_STARTED


def progress_of(year, block, agency=None):
    """Each member of the block in `year` (or only `agency`), with its scores, submission and explanations. Six
    queries, whatever the sizes."""
    members = [m for m in block_members(year, block) if agency is None or m.agency.pk == agency.pk]
    if agency is not None and not members:  # not (or no longer) a member, its scores are still to be read
        members = [Member(agency, agency.name, agency.short_name)]
    agency_ids = [m.agency.pk for m in members]
    criteria = list(Criterion.objects.scorable().filter(year=year, agency_group=block).order_by("order", "code"))
    scores = {}
    for score in Score.objects.filter(criterion__in=criteria, agency__in=agency_ids).select_related("explanation"):
        scores.setdefault(score.agency_id, {})[score.criterion_id] = score
    rounds = {r.agency_id: r for r in AgencyRound.objects.filter(year=year, agency__in=agency_ids)}
    return [AgencyProgress(
        agency=m.agency, name=m.name, criteria=criteria, scores=scores.get(m.agency.pk, {}),
        round=rounds.get(m.agency.pk),
        explanations=[s.explanation for s in scores.get(m.agency.pk, {}).values() if hasattr(s, "explanation")],
    ) for m in members]


def progress_of_agency(year, agency):
    block = AgencyGroup.objects.get(pk=Participant.objects.block_of(agency, year))
    return progress_of(year, block, agency)[0]


def _lock(year):
    return EvaluationYear.objects.select_for_update().get(pk=year.pk)


def _round(year, agency):
    AgencyRound.objects.get_or_create(year=year, agency=agency)
    return AgencyRound.objects.select_for_update().get(year=year, agency=agency)


def _save(obj, user, reason=None):
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def _check_stage(year, stage):
    if year.status != stage:
        raise ValidationError(_("The year %(year)s is not at the stage “%(stage)s” but “%(now)s”.")
                              % {"year": year, "stage": Status(stage).label, "now": year.get_status_display()})


def _check_deadline(year):
    if year.deadline_passed():
        raise ValidationError(_("The deadline of this stage was %(date)s. Ask the department in charge to extend it.")
                              % {"date": formats.date_format(year.deadline, "SHORT_DATE_FORMAT")})


def _check_appraiser(user):
    if not sees_every_agency(user):  # appraisers and ICT staff
        raise PermissionDenied(f"{user} does not appraise.")


@transaction.atomic
def submit(*, agency, year, user):
    """The agency's reporter (or ICT staff) submits its self-assessment: every criterion scored, each with evidence
    or an account of how it was scored. Locks it for the reporters; the appraisers are told."""
    if not (reporter_agency_id(user) == agency.pk or is_ict_staff(user)):
        raise PermissionDenied(f"{user} may not submit for {agency}.")
    year = _lock(year)
    _check_stage(year, Status.SELF_ASSESSMENT)
    _check_deadline(year)
    agency_round = _round(year, agency)
    if agency_round.submitted_at:
        raise ValidationError(_("The self-assessment of %(agency)s was submitted already.") % {"agency": agency})
    progress = progress_of_agency(year, agency)
    errors = []
    if not progress.criteria:
        errors.append(_("The block has no criteria in %(year)s yet.") % {"year": year})
    if progress.not_self_assessed:
        errors.append(_("Not scored yet: %(codes)s.")
                      % {"codes": ", ".join(c.code for c in progress.not_self_assessed)})
    if progress.lacking_evidence:
        errors.append(_("Without evidence, say how these were scored: %(codes)s.")
                      % {"codes": ", ".join(c.code for c in progress.lacking_evidence)})
    if errors:
        raise ValidationError(errors)
    agency_round.submitted_at, agency_round.submitted_by, agency_round.reopen_reason = timezone.now(), user, ""
    agency_round.appraised_at = agency_round.appraised_by = None
    _save(agency_round, user)
    notifications.send(
        [*notifications.appraisers(), *notifications.ict_staff()],
        lambda: _("%(agency)s submitted its self-assessment for %(year)s") % {"agency": progress.name, "year": year},
        lambda: _("%(agency)s submitted its self-assessment for %(year)s: %(points)s points on %(count)d criteria. "
                  "Appraise it here:\n%(link)s") % {
            "agency": progress.name, "year": year, "points": points(progress.self_assessed_total),
            "count": len(progress.criteria),
            "link": notifications.link("admin:rankings_score_entry_form", agency.pk, year.year)})
    return agency_round


@transaction.atomic
def reopen(*, agency, year, user, reason):
    """ICT staff give a submitted self-assessment back to its agency, with a reason (kept in the history)."""
    if not is_ict_staff(user):
        raise PermissionDenied(f"{user} may not reopen a submission.")
    year = _lock(year)
    year.check_not_published()
    if is_blank(reason):
        raise ValidationError(_("Say why the self-assessment is reopened."))
    agency_round = _round(year, agency)
    if not agency_round.submitted_at:
        raise ValidationError(_("The self-assessment of %(agency)s is not submitted.") % {"agency": agency})
    agency_round.submitted_at = agency_round.submitted_by = None
    agency_round.appraised_at = agency_round.appraised_by = None
    agency_round.reopen_reason = reason.strip()
    _save(agency_round, user, reason.strip())
    notifications.send(
        notifications.reporters_of([agency.pk]),
        lambda: _("Your self-assessment for %(year)s is open again") % {"year": year},
        lambda: _("The department in charge reopened the self-assessment of %(agency)s for %(year)s: %(reason)s\n"
                  "%(link)s") % {"agency": agency, "year": year, "reason": reason.strip(),
                                 "link": notifications.link("admin:rankings_score_entry_form", agency.pk, year.year)})
    return agency_round


def _check_appraisable(agency, year, user):
    _check_appraiser(user)
    _check_stage(year, Status.APPRAISAL)
    if not is_ict_staff(user):  # the department in charge may still finish what its appraisers left
        _check_deadline(year)
    agency_round = _round(year, agency)
    if not agency_round.submitted_at:
        raise ValidationError(_("%(agency)s has not submitted its self-assessment.") % {"agency": agency})
    if agency_round.appraised_at:
        raise ValidationError(_("The appraisal of %(agency)s is finished; ICT staff can reopen it.")
                              % {"agency": agency})
    return agency_round


@transaction.atomic
def accept_self_assessment(*, agency, year, user, criterion_ids=None):
    """The appraised score of each chosen criterion becomes the agency's own: its points, or the figures its rule
    reads. Without a choice, every criterion not appraised yet (an appraiser's adjustment or mark stays). Returns how
    many criteria were accepted."""
    year = _lock(year)
    _check_appraisable(agency, year, user)
    progress = progress_of_agency(year, agency)
    changes = {}
    for criterion in progress.criteria:
        score = progress.scores.get(criterion.pk)
        chosen = is_self_assessed(score) and (criterion.pk in criterion_ids if criterion_ids is not None
                                              else not is_appraised(score))
        if not chosen:
            continue
        if criterion.is_computed:
            changes[criterion.pk] = {appraised: getattr(score, reported) for appraised, reported in
                                     zip(FIGURE_FIELDS["value"], FIGURE_FIELDS["self_assessed"], strict=True)}
        else:
            changes[criterion.pk] = {"value": score.self_assessed}
        changes[criterion.pk]["not_applicable"] = False
    if changes:
        apply_agency_scores(agency=agency, year=year, changes=changes, user=user)
    return len(changes)


@transaction.atomic
def finish_appraisal(*, agency, year, user):
    """Every criterion of a submitted agency has an appraised score or a not-applicable mark: the appraisal is
    finished, and the agency is told."""
    year = _lock(year)
    agency_round = _check_appraisable(agency, year, user)
    progress = progress_of_agency(year, agency)
    if progress.not_appraised:
        raise ValidationError(_("Not appraised yet: %(codes)s.")
                              % {"codes": ", ".join(c.code for c in progress.not_appraised)})
    agency_round.appraised_at, agency_round.appraised_by = timezone.now(), user
    _save(agency_round, user)
    notifications.send(
        notifications.reporters_of([agency.pk]),
        lambda: _("The appraisal of %(agency)s for %(year)s is finished") % {"agency": progress.name, "year": year},
        lambda: _("The appraisal of %(agency)s for %(year)s is finished. You will see the appraised scores when "
                  "the explanation stage opens, and may then explain any of them.\n%(link)s")
        % {"agency": progress.name, "year": year,
           "link": notifications.link("admin:rankings_score_entry_form", agency.pk, year.year)})
    return agency_round


@transaction.atomic
def file_explanation(*, agency, year, criterion, text, user, evidence_url=""):
    """The agency's reporter explains one appraised score, before the explanation deadline; one explanation per
    criterion. The appraisers are told."""
    if reporter_agency_id(user) != agency.pk:
        raise PermissionDenied(f"{user} does not report for {agency}.")
    year = _lock(year)
    _check_stage(year, Status.EXPLANATION)
    _check_deadline(year)
    if is_blank(text):
        raise ValidationError(_("Write the explanation."))
    score = Score.objects.filter(agency=agency, criterion=criterion, criterion__year=year).first()
    if not is_appraised(score):
        raise ValidationError(_("Criterion %(code)s has no appraised score to explain.") % {"code": criterion.code})
    if Explanation.objects.filter(score=score).exists():
        raise ValidationError(_("Criterion %(code)s is explained already.") % {"code": criterion.code})
    explanation = Explanation(score=score, text=text.strip(), evidence_url=evidence_url, filed_by=user)
    explanation.full_clean()
    _save(explanation, user)
    notifications.send(
        [*notifications.appraisers(), *notifications.ict_staff()],
        lambda: _("%(agency)s explains criterion %(code)s (%(year)s)") % {"agency": agency, "code": criterion.code,
                                                                          "year": year},
        lambda: _("%(agency)s explains its appraised score on criterion %(code)s “%(name)s”:\n\n%(text)s\n\n"
                  "Answer it here:\n%(link)s") % {
            "agency": agency, "code": criterion.code, "name": criterion.name, "text": explanation.text,
            "link": notifications.link("admin:rankings_explanations", agency.pk, year.year)})
    return explanation


@transaction.atomic
def answer_explanation(*, explanation, outcome, answer, user, value=None, numerator=None, denominator=None):
    """An appraiser answers an explanation: the score kept, or adjusted (new points, or new figures for a computed
    criterion), always with a reason, which becomes the score's comment. The agency is told."""
    _check_appraiser(user)
    explanation = Explanation.objects.select_related("score__criterion", "score__agency").get(pk=explanation.pk)
    score, criterion = explanation.score, explanation.score.criterion
    year = _lock(criterion.year)
    _check_stage(year, Status.EXPLANATION)
    if explanation.is_answered:
        raise ValidationError(_("This explanation is answered already."))
    if is_blank(answer):
        raise ValidationError(_("Say why the score is kept or adjusted."))
    explanation.value_before = score.value
    if outcome == Explanation.Outcome.ADJUSTED:
        figures = dict(zip(FIGURE_FIELDS["value"], (numerator, denominator), strict=True))
        change = figures if criterion.is_computed else {"value": value}
        if all(v is None for v in change.values()):
            raise ValidationError(_("Give the adjusted score."))
        apply_agency_scores(agency=score.agency, year=year, user=user,
                            changes={criterion.pk: {**change, "not_applicable": False, "appraisal_comment": answer}})
    elif outcome != Explanation.Outcome.KEPT:
        raise ValidationError(_("Keep or adjust the score."))
    explanation.outcome, explanation.answer = outcome, answer.strip()
    explanation.answered_at, explanation.answered_by = timezone.now(), user
    _save(explanation, user)
    notifications.send(
        notifications.reporters_of([score.agency_id]),
        lambda: _("Your explanation of criterion %(code)s is answered") % {"code": criterion.code},
        lambda: _("%(outcome)s: %(answer)s\n%(link)s") % {
            "outcome": explanation.get_outcome_display(), "answer": explanation.answer,
            "link": notifications.link("admin:rankings_explanations", score.agency_id, year.year)})
    return explanation


def members_of_year(year):
    """The agencies evaluated in `year`, in every block that has criteria."""
    return [member.agency.pk for block in blocks_of(year) for member in block_members(year, block)]


STAGE_AUDIENCE = {
    # stage -> who is told when it opens, and is reminded before its deadline
    Status.SELF_ASSESSMENT: ("reporters",),
    Status.APPRAISAL: ("appraisers",),
    Status.EXPLANATION: ("reporters", "appraisers"),
    Status.PUBLISHED: ("reporters", "appraisers"),
}


def _audience(year, stage, agency_ids=None):
    groups = STAGE_AUDIENCE.get(stage, ())
    people = notifications.ict_staff()
    if "reporters" in groups:
        people += notifications.reporters_of(members_of_year(year) if agency_ids is None else agency_ids)
    if "appraisers" in groups:
        people += notifications.appraisers()
    return people


def _deadline_text(year):
    if year.deadline is None:
        return ""
    return _("Deadline: %(date)s.") % {"date": formats.date_format(year.deadline, "SHORT_DATE_FORMAT")}


def announce_stage(year):
    """Tell the people a stage concerns that it has opened, with its deadline."""
    if year.status not in STAGE_AUDIENCE:
        return
    if year.is_published:
        def body():
            return _("The results of %(year)s are published by decision %(number)s. The public results:\n%(link)s") % {
                "year": year, "number": year.decision_number, "link": notifications.link("public:home")}
    else:
        def body():
            return "\n".join(filter(None, [
                _("The evaluation of %(year)s is now at the stage “%(stage)s”.") % {
                    "year": year, "stage": year.get_status_display()},
                _deadline_text(year), notifications.link("admin:index")]))
    notifications.send(_audience(year, year.status),
                       lambda: _("%(year)s: %(stage)s") % {"year": year, "stage": year.get_status_display()}, body)


def send_reminders(*, today=None, days=3):
    """Remind whoever still has something to do in a stage whose deadline is at most `days` days away: each
    agency that has not submitted (its own reporters, about itself only), appraisers and ICT staff with the list
    of what waits, each agency during the explanation stage. Returns [(year, stage, number of addresses)]."""
    today = today or timezone.localdate()
    sent = []
    for year in EvaluationYear.objects.filter(status__in=[Status.SELF_ASSESSMENT, Status.APPRAISAL,
                                                          Status.EXPLANATION]):
        if year.deadline is None or not today <= year.deadline <= today + timedelta(days=days):
            continue
        progress = [p for block in blocks_of(year) for p in progress_of(year, block)]
        waiting = {
            Status.SELF_ASSESSMENT: [p for p in progress if not p.submitted_at],
            Status.APPRAISAL: [p for p in progress if p.submitted_at and not p.appraised_at],
            Status.EXPLANATION: progress,
        }[year.status]
        if not waiting:
            continue
        people = set()
        if "reporters" in STAGE_AUDIENCE[year.status]:  # each agency hears of itself, nothing of the others
            for agency_progress in waiting:
                reporters = notifications.reporters_of([agency_progress.agency.pk])
                _remind(reporters, year, agency_progress.name)
                people.update(reporters)
        staff = set(notifications.ict_staff())
        if "appraisers" in STAGE_AUDIENCE[year.status]:
            staff.update(notifications.appraisers())
        _remind(staff, year, ", ".join(p.name for p in waiting))
        sent.append((year, year.status, len(people | staff)))
    return sent


def _remind(people, year, names):
    notifications.send(
        people,
        lambda: _("Reminder: %(stage)s of %(year)s ends on %(date)s") % {
            "stage": year.get_status_display(), "year": year,
            "date": formats.date_format(year.deadline, "SHORT_DATE_FORMAT")},
        lambda: _("%(deadline)s Still to do: %(names)s.\n%(link)s") % {
            "deadline": _deadline_text(year), "names": names, "link": notifications.link("admin:index")})
