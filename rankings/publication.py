"""Publishing a year by the People's Committee's decision: what is still missing, and the one way to publish.

The admin's confirmation page and `manage.py publish` both go through `publish_year`.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from agencies.models import AgencyGroup
from common.data_version import invalidate_public_pages
from criteria.models import Criterion, EvaluationYear
from criteria.services import change_year_status

from .models import Explanation, Score
from .selectors import block_members


@dataclass
class Completeness:
    """What a year still lacks before its results are final."""

    without_scores: list = field(default_factory=list)  # (block, agency name): no appraised score nor mark at all
    blank: list = field(default_factory=list)  # (block, agency name, criterion code): scored elsewhere, blank here
    unanswered: list = field(default_factory=list)  # (agency name, criterion code): an explanation without answer
    explanations_open_until: date | None = None  # agencies may still file explanations until then

    @property
    def complete(self):
        return not (self.without_scores or self.blank or self.unanswered or self.explanations_open_until)

    def lines(self):
        """Each missing thing, as a sentence."""
        return [
            *(_("%(block)s: %(agency)s has no score.") % {"block": block, "agency": name}
              for block, name in self.without_scores),
            *(_("%(block)s: %(agency)s has no score on criterion %(code)s.") % {"block": block, "agency": name,
                                                                                 "code": code}
              for block, name, code in self.blank),
            *(_("%(agency)s: the explanation of criterion %(code)s is not answered.") % {"agency": name, "code": code}
              for name, code in self.unanswered),
            *([_("Agencies may still file explanations until %(date)s.")
               % {"date": formats.date_format(self.explanations_open_until, "SHORT_DATE_FORMAT")}]
              if self.explanations_open_until else []),
        ]


def completeness(year):
    """Every member of each of the year's blocks with an appraised score or a not-applicable mark on every scored
    criterion of its block."""
    result = Completeness()
    decided = set(Score.objects.filter(criterion__year=year).exclude(value__isnull=True, not_applicable=False)
                  .values_list("agency_id", "criterion_id"))
    scored_agencies = {agency_id for agency_id, _criterion in decided}
    criteria = list(Criterion.objects.scorable().filter(year=year).order_by("order", "code"))
    for block in AgencyGroup.objects.in_year(year.year).filter(criteria__year=year).distinct():
        block_criteria = [c for c in criteria if c.agency_group_id == block.pk]
        for member in block_members(year, block):
            if member.agency.pk not in scored_agencies:
                result.without_scores.append((block, member.name))
                continue
            result.blank += [(block, member.name, c.code) for c in block_criteria
                             if (member.agency.pk, c.pk) not in decided]
    result.unanswered = list(Explanation.objects.filter(score__criterion__year=year, outcome="")
                             .order_by("score__agency__sort_key", "score__criterion__order")
                             .values_list("score__agency__name", "score__criterion__code"))
    if year.status == EvaluationYear.Status.EXPLANATION and year.explanation_deadline \
            and not year.deadline_passed():
        result.explanations_open_until = year.explanation_deadline
    return result


@transaction.atomic
def publish_year(*, year: EvaluationYear, decision_number: str, signed_on, user, incomplete_reason: str = ""):
    """Publish `year` by the decision that approves its results (number and signing date, both required).

    An incomplete year is refused unless a reason is given, which the method page shows. Needs the publish
    permission (`change_year_status` checks it; `user` None is the command line). Republishing after an
    unpublication records the correcting decision: the year's history keeps every one.
    """
    decision_number = decision_number.strip()
    if not decision_number or signed_on is None:
        raise ValidationError(_("Give the number and signing date of the decision that approves the results."))
    missing = completeness(year)
    if not missing.complete and not incomplete_reason.strip():
        raise ValidationError([_("The year %(year)s is incomplete; give a reason to publish it as it is.")
                               % {"year": year.year}, *missing.lines()])
    EvaluationYear.objects.filter(pk=year.pk).update(
        decision_number=decision_number, decision_signed_on=signed_on,
        incomplete_reason="" if missing.complete else incomplete_reason.strip())
    invalidate_public_pages()  # the pages name the decision, and an update sends no signal (a year published already)
    year.refresh_from_db()
    return change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=user)
