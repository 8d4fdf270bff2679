"""A published year's results are recorded when it is published, and read from the record while it stays published.

Nothing a published year's results are computed from can change while it is published: its scores, criteria,
criteria groups, classes and participants are refused (EvaluationYear.check_not_published). So its rankings are
computed once (rankings.selectors.computed_results, from rankings.results) in the transaction that publishes it,
and every page, download and admin screen reads that record (selectors.recorded_results); taking the year back
deletes it in the transaction that does. What may change while a year stays published is read live beside the
record: agencies' addresses and current names, bands, successions and so each rank's change.
"""

from django.db import transaction

from agencies.models import AgencyGroup
from common.data_version import invalidate_public_pages
from criteria.models import EvaluationYear

from .models import RecordedRanking
from .selectors import best_figures, computed_results


@transaction.atomic
def record_rankings(year):
    """Record `year`'s results in each of its blocks when it is published; forget them when it is not."""
    # One recording of a year at a time, by its status as stored (the object saved may be out of date).
    status = EvaluationYear.objects.select_for_update().filter(pk=year.pk).values_list("status", flat=True).first()
    RecordedRanking.objects.filter(year=year).delete()
    invalidate_public_pages()  # pages read the record: also when `migrate` records a year again
    if status != EvaluationYear.Status.PUBLISHED:
        return
    blocks = list(AgencyGroup.objects.filter(criteria__year=year).distinct())
    row = RecordedRanking.row
    RecordedRanking.objects.bulk_create(
        RecordedRanking(
            year=year, block=block,
            groups=[[row(g.criteria_group), str(g.maximum)] for g in results.group_maxima],
            classes=[row(result_class) for result_class in results.classes],
            # A criterion none of whose scores has an appraised figure has no best (None, as best_figures reads it).
            best_figures={str(pk): str(best) for pk, best in best_figures(year, block).items() if best is not None},
            standings=[agency.as_record([g.code for g in results.group_maxima]) for agency in results.agencies],
        )
        for block in blocks for results in [computed_results({year.pk: year}, [block])[year.pk, block.pk]]
    )


def record_published_years():
    """Record every published year again: after each migration (how a record is written, or results computed, may
    have changed with the code) and after a dataset written in bulk."""
    for year in EvaluationYear.objects.published():
        record_rankings(year)
