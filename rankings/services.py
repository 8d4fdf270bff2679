from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from criteria.models import Criterion, EvaluationYear

from .models import Score, score_value_error


@transaction.atomic
def save_agency_scores(*, agency: Agency, year: EvaluationYear, values: dict[int, Decimal | None]) -> None:
    """Set an agency's scores for one year: `values` maps criterion ids to a score, or None for not scored.

    Every value is checked before anything is written; one bad value refuses the whole set with
    a message per criterion, and the stored scores stay as they were.
    """
    criteria = Criterion.objects.scorable().filter(year=year, agency_group_id=agency.group_id)
    criteria = {c.pk: c for c in criteria.filter(pk__in=values)}
    if set(values) - set(criteria):
        raise ValidationError(
            _("Some criteria are not scored criteria of the block of %(agency)s in %(year)s.")
            % {"agency": agency, "year": year}
        )
    errors = [score_value_error(criteria[pk], value) for pk, value in values.items() if value is not None]
    if any(errors):
        raise ValidationError([error for error in errors if error])

    to_store = {pk: value for pk, value in values.items() if value is not None}
    Score.objects.filter(agency=agency, criterion_id__in=set(values) - set(to_store)).delete()
    Score.objects.bulk_create(
        [Score(agency=agency, criterion_id=pk, value=value) for pk, value in to_store.items()],
        update_conflicts=True,
        unique_fields=["agency", "criterion"],
        update_fields=["value"],
    )
