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
from criteria.models import CriteriaGroup, EvaluationYear

from .models import RecordedRanking
from .selectors import computed_results


@transaction.atomic
def record_rankings(year):
    """Record `year`'s results in each of its blocks when it is published; forget them when it is not."""
    list(EvaluationYear.objects.select_for_update().filter(pk=year.pk).values_list("pk"))  # one recording at a time
    RecordedRanking.objects.filter(year=year).delete()
    if year.status != EvaluationYear.Status.PUBLISHED:
        return
    blocks = list(AgencyGroup.objects.filter(criteria__year=year).distinct())
    criteria_groups = {}
    for group in CriteriaGroup.objects.filter(year=year).order_by("order", "code"):
        criteria_groups.setdefault((year.pk, group.agency_group_id), []).append(group)
    computed = computed_results({year.pk: year}, blocks, criteria_groups)
    RecordedRanking.objects.bulk_create(
        RecordedRanking(year=year, block=block, maxima={str(pk): str(m) for pk, m in results.maxima.items()},
                        standings=[agency.as_record() for agency in results.agencies])
        for (_year_id, block_id), results in computed.items() for block in blocks if block.pk == block_id
    )


def record_missing_rankings():
    """Record the published years that have criteria and no record yet (a database from before records, or
    a year published by a bulk write)."""
    for year in EvaluationYear.objects.published().filter(criteria__isnull=False, recorded_rankings__isnull=True) \
            .distinct():
        record_rankings(year)
