import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.models import Agency, AgencyGroup
from common.numbers import lazy_message
from common.text import is_blank
from criteria import rules
from criteria.models import Criterion, EvaluationYear
from criteria.rules import Rule

from .models import AgencyRound, Participant, Score, score_value_error
from .roles import can_appraise, is_ict_staff, may_import, reporter_agency_id

# What the entry screen edits on a score, and who may edit what when. The points of a computed criterion are
# not among them: they follow from its figures (criteria.rules, recompute_points).
SELF_ASSESSMENT_FIELDS = {"self_assessed", "evidence_url", "evidence_file", "scoring_note", "reported_numerator",
                          "reported_denominator"}
APPRAISAL_FIELDS = {"value", "appraisal_comment", "not_applicable", "not_applicable_reason", "numerator",
                    "denominator"}
SCORE_FIELDS = ("self_assessed", "evidence_url", "evidence_file", "scoring_note", "value", "appraisal_comment",
                "not_applicable", "not_applicable_reason", "reported_numerator", "reported_denominator", "numerator",
                "denominator")
POINT_FIELDS = ("value", "self_assessed")
TEXT_FIELDS = {"evidence_url", "scoring_note", "appraisal_comment", "not_applicable_reason"}
FIGURE_FIELDS = {"self_assessed": ("reported_numerator", "reported_denominator"),
                 "value": ("numerator", "denominator")}
BATCH = 2000  # rows per bulk statement


def editable_fields(user, agency, year):
    """The score fields `user` may change for `agency` in `year` now; empty when they may only look.

    `user` None is the command line (demo, synthetic data), which holds the database's rights anyway.
    """
    if year.is_published:
        return set()
    if user is None or is_ict_staff(user):
        return set(SCORE_FIELDS)
    if reporter_agency_id(user) == agency.pk and year.status == EvaluationYear.Status.SELF_ASSESSMENT:
        # Until the agency submits (rankings.rounds), and up to the stage's deadline.
        submitted = AgencyRound.objects.filter(year=year, agency=agency, submitted_at__isnull=False).exists()
        return set() if submitted or year.deadline_passed() else set(SELF_ASSESSMENT_FIELDS)
    if can_appraise(user) and year.status == EvaluationYear.Status.APPRAISAL:
        # Until the agency's appraisal is finished, and up to the stage's deadline.
        finished = AgencyRound.objects.filter(year=year, agency=agency, appraised_at__isnull=False).exists()
        return set() if finished or year.deadline_passed() else set(APPRAISAL_FIELDS)
    return set()


def version_fields(user, agency, year):
    """The fields a form's version covers: what the user sees. An agency's reporter does not see the appraisal
    before the explanation stage, nor may it learn from a changed version that the appraisal moved."""
    if reporter_agency_id(user) == agency.pk and year.status not in (EvaluationYear.Status.EXPLANATION,
                                                                     EvaluationYear.Status.PUBLISHED):
        return tuple(f for f in SCORE_FIELDS if f in SELF_ASSESSMENT_FIELDS)
    return SCORE_FIELDS


def scores_version(agency, year, fields=SCORE_FIELDS):
    """A fingerprint of what is stored for the agency and year: a form opened earlier must still match it.

    A computed criterion's points are left out: they follow from its figures, which are in, and another agency's
    figure moves them under the rule "relative to the best" without anyone changing this agency's scores.
    """
    rows = Score.objects.filter(agency=agency, criterion__year=year).order_by("criterion_id").values_list(
        "criterion_id", "criterion__rule", *fields, named=True)
    kept = [tuple(None if name in POINT_FIELDS and row.criterion__rule != Rule.POINTS else getattr(row, name)
                  for name in ("criterion_id", *fields)) for row in rows]
    return hashlib.sha256(repr(kept).encode()).hexdigest()[:20]


def _holds_nothing(score):
    """No value, figure, comment, evidence or mark: the row has nothing left to keep (a score of 0 is a value)."""
    return (all(getattr(score, f) is None for f in (*POINT_FIELDS, *FIGURE_FIELDS["value"],
                                                    *FIGURE_FIELDS["self_assessed"]))
            and not (score.appraisal_comment or score.scoring_note or score.evidence_url or score.evidence_file
                     or score.not_applicable))


def score_errors(criterion, score):
    """Why the score cannot stand on `criterion`, naming it: points above the maximum, figures the rule cannot
    read, a score on a criterion marked not applicable. Empty when it can."""
    params = {"code": criterion.code, "name": criterion.name}
    # What each side (the agency's self-assessment, the appraisal) holds: the mark replaces the appraisal only.
    sides = ["self_assessed"] if score.not_applicable else list(POINT_FIELDS)
    errors = []
    if score.not_applicable:
        if (not criterion.is_computed and score.value is not None) or any(
                getattr(score, f) is not None for f in FIGURE_FIELDS["value"]):
            errors.append(lazy_message(_("Criterion %(code)s “%(name)s” is marked not applicable: it cannot also "
                                         "hold a score. Clear the score or the mark."), **params))
        if is_blank(score.not_applicable_reason):
            errors.append(lazy_message(_("Criterion %(code)s “%(name)s”: say why it does not apply."), **params))
    if criterion.is_computed:
        errors += [rules.figures_error(criterion, *(getattr(score, f) for f in FIGURE_FIELDS[side])) for side in sides]
    else:
        errors += [score_value_error(criterion, getattr(score, side)) for side in sides
                   if getattr(score, side) is not None]
    return [error for error in errors if error]


@transaction.atomic
def save_agency_scores(*, agency: Agency, year: EvaluationYear, changes: dict[int, dict], user, version=None):
    """Apply `changes` ({criterion id: {field: new value}}) to an agency's scores for one year.

    Every value is checked before anything is written; one problem refuses the whole set, naming the
    criterion, and the stored scores stay as they were. With `version` (from `scores_version` when the
    form was opened), a save made by someone else since is refused rather than overwritten.
    """
    # One save of a year's scores at a time: the second waits, then sees the first's version.
    year = EvaluationYear.objects.select_for_update().get(pk=year.pk)
    year.check_not_published()
    allowed = editable_fields(user, agency, year)
    refused = {name for fields in changes.values() for name in fields} - allowed
    if refused:
        raise PermissionDenied(f"{user} may not change {sorted(refused)} of {agency} in {year}.")
    if version is not None and version != scores_version(agency, year, version_fields(user, agency, year)):
        raise ValidationError(_("Someone else saved scores of %(agency)s for %(year)s after you opened this page. "
                                "Nothing of yours was saved: reload the page to see their changes, then enter "
                                "yours again.") % {"agency": agency, "year": year})
    apply_agency_scores(agency=agency, year=year, changes=changes, user=user)


def apply_agency_scores(*, agency, year, changes, user):
    """What save_agency_scores writes once it knows the user may: also the writer of rankings.rounds's steps
    (accepting a self-assessment, answering an explanation), which check their own rules first. The caller holds
    the year's lock."""
    block_id = Participant.objects.block_of(agency, year)
    criteria = Criterion.objects.scorable().filter(year=year, agency_group_id=block_id, pk__in=changes)
    criteria = {c.pk: c for c in criteria}
    if set(changes) - set(criteria):
        raise ValidationError(
            _("Some criteria are not scored criteria of the block of %(agency)s in %(year)s.")
            % {"agency": agency, "year": year}
        )
    stored = {s.criterion_id: s for s in Score.objects.filter(agency=agency, criterion__in=criteria)}
    errors, to_create, to_update, to_delete = [], [], [], []
    for pk, fields in changes.items():
        criterion = criteria[pk]
        score = stored.get(pk) or Score(agency=agency, criterion=criterion)
        before = [getattr(score, f) for f in SCORE_FIELDS]
        for name, value in fields.items():
            if name == "evidence_file":
                if value:  # a new upload; an empty field keeps the stored file
                    score.evidence_file = value
            elif name in POINT_FIELDS and criterion.is_computed:
                continue  # computed from the figures below
            else:
                setattr(score, name, value if value is not None or name not in TEXT_FIELDS else "")
        if not score.not_applicable:
            score.not_applicable_reason = ""  # a reason stands only with its mark
        elif criterion.is_computed:
            score.value = None  # the mark replaces the appraised points (recompute_points agrees)
        errors += score_errors(criterion, score)
        if (score.value is not None and score.self_assessed is not None and score.value != score.self_assessed
                and not score.appraisal_comment.strip() and "value" in fields):
            errors.append(lazy_message(_("Criterion %(code)s: explain in a comment why the appraised score differs "
                                         "from the self-assessment."), code=criterion.code))
        if _holds_nothing(score):
            if score.pk:
                to_delete.append(score)
        elif score.pk is None:
            to_create.append(score)
        elif [getattr(score, f) for f in SCORE_FIELDS] != before:
            to_update.append(score)
    errors = [error for error in errors if error]
    if errors:
        raise ValidationError(errors)

    take_part(year, [agency], block_id, user=user)
    _write_scores(to_create=to_create, to_update=to_update, to_delete=to_delete, fields=SCORE_FIELDS, user=user)
    recompute_points([c for c in criteria.values() if c.is_computed], user=user)


IMPORTED_FIELDS = ("value", "not_applicable", "not_applicable_reason", "numerator", "denominator")


@transaction.atomic
def save_imported_scores(*, year: EvaluationYear, values: dict, stored: dict, user, reason: str):
    """Write what an imported sheet sets, all checked already: {(agency, criterion): {field: value}}, the fields
    among IMPORTED_FIELDS (appraised points, a not-applicable mark, a computed criterion's figures).

    `stored` holds the block's stored scores by (agency id, criterion id), read by the caller under the year's
    lock (the import previews what changes with them). Needs the import permission (`user` None: the command
    line) and a year that is not published. The points of computed criteria are computed afterwards. Returns the
    numbers of scores created, updated and unchanged.
    """
    if user is not None and not may_import(user):
        raise PermissionDenied(f"{user} may not import scores.")
    year.check_not_published()  # the import says so in its own words first; this is the guarantee
    to_create, to_update = [], []
    for (agency, criterion), fields in values.items():
        score = stored.get((agency.pk, criterion.pk))
        if score is not None and score.not_applicable and fields.get("not_applicable"):
            fields = {name: value for name, value in fields.items() if name != "not_applicable_reason"}  # kept
        if score is None:
            to_create.append(Score(agency=agency, criterion=criterion, **fields))
        elif any(getattr(score, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(score, name, value)
            to_update.append(score)
    # A new score's origin is the import's log, which keeps the file: no history record of its own, so that an
    # import stays within three times a plain bulk insert (docs/benchmarks.md).
    errors = [error for score in [*to_create, *to_update] for error in score_errors(score.criterion, score)]
    if errors:  # the import told each problem with its row and column already: this is the guarantee
        raise ValidationError(errors)
    for block_id in {criterion.agency_group_id for _agency, criterion in values}:
        take_part(year, {agency for agency, criterion in values if criterion.agency_group_id == block_id}, block_id,
                  user=user)
    _write_scores(to_create=to_create, to_update=to_update, fields=IMPORTED_FIELDS, user=user, reason=reason,
                  record_new=False)
    recompute_points({criterion for _agency, criterion in values if criterion.is_computed}, user=user, reason=reason)
    return len(to_create), len(to_update), len(values) - len(to_create) - len(to_update)


def _write_scores(*, to_create, to_update, fields, user, reason=None, to_delete=(), record_new=True):
    """The one way scores reach the database, from the entry screen and from imports alike.

    Bulk inserts and updates; each update keeps the old values in the history, with who and why (the file an
    import came from), and so does each new score unless `record_new` is off. Deletions one by one, with their
    history.
    """
    for score in [*to_create, *to_update]:  # bulk writes do not store new files themselves
        if score.evidence_file and not score.evidence_file._committed:
            score.evidence_file.save(score.evidence_file.name, score.evidence_file.file, save=False)
    if record_new:
        bulk_create_with_history(to_create, Score, batch_size=BATCH, default_user=user, default_change_reason=reason)
    else:
        Score.objects.bulk_create(to_create, batch_size=BATCH)
    bulk_update_with_history(to_update, Score, fields=list(fields), batch_size=BATCH, default_user=user,
                             default_change_reason=reason)
    for score in to_delete:
        score.delete()
    # No cached public page goes stale: scores are written only in a year that is not published (a published year
    # is frozen), which no public page shows; publishing it moves the data version on. So an import into next
    # year's round leaves the site's cache alone.


def take_part(year, agencies, block_id, *, user):
    """Agencies scored in a year take part in it: those without a participation get one, under their current name,
    in the block of the criteria they were scored on — unless the block does not exist that year or the agency no
    longer does (merged, formed into another, split, renamed or dissolved by then): ValidationError, nothing
    written. Called before the scores are written."""
    present = set(Participant.objects.filter(year=year, agency__in=agencies).values_list("agency_id", flat=True))
    new = [Participant.of(agency, year, block_id) for agency in agencies if agency.pk not in present]
    if new and not AgencyGroup.objects.get(pk=block_id).exists_in(year.year):
        raise ValidationError(_("The block of these criteria does not exist in %(year)s.") % {"year": year})
    ended = Agency.objects.filter(pk__in=[p.agency_id for p in new], successions__year__lte=year.year)
    if ended:
        raise ValidationError(_("These agencies no longer exist in %(year)s: %(agencies)s.")
                              % {"year": year, "agencies": ", ".join(a.name for a in ended)})
    bulk_create_with_history(new, Participant, default_user=user)


def leaves_points_out(criterion, score, field):
    """Whether a computed criterion's points stay empty: the appraised ones of a criterion marked not applicable,
    and the self-assessed ones of a rule relative to the block's best, which would tell a reporter the other
    agencies' figures before publication (its points come with the appraisal)."""
    if field == "value":
        return score.not_applicable
    return criterion.rule == Rule.RELATIVE


def recompute_points(criteria, *, user, reason=None):
    """Set the points of every score on these computed criteria from its figures, across their blocks.

    The one place a computed criterion's points are written: after any change of figures, from the entry screen or
    an import. A block's best figure (rule “relative to the best”) moves every agency's points, so every score of
    the criterion is read again, not only the ones that changed. Each change keeps its history.
    """
    criteria = {c.pk: c for c in criteria if c.is_computed}
    if not criteria:
        return
    for year in EvaluationYear.objects.filter(criteria__in=criteria).distinct():
        year.check_not_published()  # a published year's points never move, whatever changed
    scores = list(Score.objects.filter(criterion__in=criteria))
    best = {}  # (criterion id, figure field) -> the highest figure among the scores that apply
    for score in scores:
        for figure in ("numerator", "reported_numerator"):
            if not score.not_applicable and getattr(score, figure) is not None:
                key = (score.criterion_id, figure)
                best[key] = max(best.get(key, 0), getattr(score, figure))
    changed = []
    for score in scores:
        criterion = criteria[score.criterion_id]
        points = {
            field: None if leaves_points_out(criterion, score, field) else rules.compute(
                criterion, getattr(score, numerator), getattr(score, denominator), best.get((criterion.pk, numerator)))
            for field, (numerator, denominator) in FIGURE_FIELDS.items()
        }
        if any(getattr(score, field) != value for field, value in points.items()):
            for field, value in points.items():
                setattr(score, field, value)
            changed.append(score)
    bulk_update_with_history(changed, Score, fields=list(POINT_FIELDS), batch_size=BATCH, default_user=user,
                             default_change_reason=reason or _("Points computed from the figures"))
