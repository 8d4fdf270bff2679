import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.models import Agency
from common.data_version import invalidate_public_pages
from common.numbers import lazy_message
from criteria.models import Criterion, EvaluationYear

from .models import Score, score_value_error
from .roles import can_appraise, is_ict_staff, may_import, reporter_agency_id

# What the entry screen edits on a score, and who may edit what when.
SCORE_FIELDS = ("self_assessed", "evidence_url", "evidence_file", "value", "appraisal_comment")
SELF_ASSESSMENT_FIELDS = {"self_assessed", "evidence_url", "evidence_file"}
APPRAISAL_FIELDS = {"value", "appraisal_comment"}
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
        return set(SELF_ASSESSMENT_FIELDS)
    if can_appraise(user) and year.status == EvaluationYear.Status.APPRAISAL:
        return set(APPRAISAL_FIELDS)
    return set()


def scores_version(agency, year):
    """A fingerprint of what is stored for the agency and year: a form opened earlier must still match it."""
    rows = Score.objects.filter(agency=agency, criterion__year=year).order_by("criterion_id").values_list(
        "criterion_id", *(f for f in SCORE_FIELDS)
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:20]


def _holds_nothing(score):
    """No value, no comment, no evidence: the row has nothing left to keep (a score of 0 is a value)."""
    return (score.value is None and score.self_assessed is None
            and not (score.appraisal_comment or score.evidence_url or score.evidence_file))


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
    if version is not None and version != scores_version(agency, year):
        raise ValidationError(_("Someone else saved scores of %(agency)s for %(year)s after you opened this page. "
                                "Nothing of yours was saved: reload the page to see their changes, then enter "
                                "yours again.") % {"agency": agency, "year": year})
    criteria = Criterion.objects.scorable().filter(year=year, agency_group_id=agency.group_id, pk__in=changes)
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
            else:
                setattr(score, name, value if value is not None or name in ("value", "self_assessed") else "")
        errors += [score_value_error(criterion, getattr(score, f)) for f in ("value", "self_assessed")
                   if getattr(score, f) is not None]
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

    _write_scores(to_create=to_create, to_update=to_update, to_delete=to_delete, fields=SCORE_FIELDS, user=user)


@transaction.atomic
def save_imported_scores(*, year: EvaluationYear, values: dict, stored: dict, user, reason: str):
    """Write the appraised values of an imported sheet: {(agency, criterion): value}, all checked already.

    `stored` holds the block's stored scores by (agency id, criterion id), read by the caller under the year's
    lock (the import previews what changes with them). Needs the import permission (`user` None: the command
    line) and a year that is not published. Returns the numbers of scores created, updated and unchanged.
    """
    if user is not None and not may_import(user):
        raise PermissionDenied(f"{user} may not import scores.")
    year.check_not_published()  # the import says so in its own words first; this is the guarantee
    to_create, to_update = [], []
    for (agency, criterion), value in values.items():
        score = stored.get((agency.pk, criterion.pk))
        if score is None:
            to_create.append(Score(agency=agency, criterion=criterion, value=value))
        elif score.value != value:
            score.value = value
            to_update.append(score)
    # A new score's origin is the import's log, which keeps the file: no history record of its own, so that an
    # import stays within three times a plain bulk insert (docs/benchmarks.md).
    _write_scores(to_create=to_create, to_update=to_update, fields=["value"], user=user, reason=reason,
                  record_new=False)
    return len(to_create), len(to_update), len(values) - len(to_create) - len(to_update)


def _write_scores(*, to_create, to_update, fields, user, reason=None, to_delete=(), record_new=True):
    """The one way scores reach the database, from the entry screen and from imports alike.

    Bulk inserts and updates; each update keeps the old values in the history, with who and why (the file an
    import came from), and so does each new score unless `record_new` is off. Deletions one by one, with their
    history. Every cached public page goes stale when the transaction commits.
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
    invalidate_public_pages()  # bulk writes send no signal

