"""What every public page of a data version reads alike, read once per process and version while pages are
rendered (common.data_version), and afresh anywhere else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyGroup, Succession
from common.data_version import kept_items, once_per_version, rendering
from rankings.models import RecordedRanking
from rankings.selectors import PublishedYears, agency_lineage, recorded_results, successions_until


def test_a_function_is_called_once_per_data_version_and_arguments_while_a_page_is_rendered():
    calls = []

    @once_per_version
    def read(argument):
        calls.append(argument)
        return [argument]

    assert read(1) is not read(1)  # not while a page is rendered: afresh each time
    version, next_version = object(), object()  # versions no other test renders
    with rendering(version):
        first = read(1)
        assert read(1) is first
        assert read(2) == [2]
    with rendering(next_version):  # a change made a new version
        assert read(1) is not first
    with rendering(version):  # the old version's values were let go
        assert read(1) is not first
    assert calls == [1, 1, 1, 2, 1, 1]


def test_items_are_kept_for_the_version_rendered_only():
    assert kept_items("things") is not kept_items("things")
    with rendering(object()):
        kept_items("things")["a"] = 1
        assert kept_items("things") == {"a": 1}
        assert kept_items("others") == {}
    with rendering(object()):
        assert kept_items("things") == {}


@pytest.mark.django_db
def test_a_block_without_a_record_is_asked_for_once_per_version(demo):
    year = PublishedYears().latest
    recorded = set(RecordedRanking.objects.filter(year=year).values_list("block_id", flat=True))
    without = AgencyGroup.objects.exclude(pk__in=recorded).first()  # a block that has no criteria that year
    with_record = AgencyGroup.objects.get(pk=min(recorded))
    with rendering(object()):
        with CaptureQueriesContext(connection) as queries:
            assert recorded_results([year], [without.pk]) == {}
            assert recorded_results([year], [without.pk]) == {}
            assert list(recorded_results([year], [without.pk, with_record.pk])) == [(year.pk, with_record.pk)]
            assert list(recorded_results([year], [with_record.pk])) == [(year.pk, with_record.pk)]
    assert len(queries) == 2  # the first read, and the block with a record when it was first asked for
    with CaptureQueriesContext(connection) as queries:
        recorded_results([year], [without.pk])
        recorded_results([year], [without.pk])
    assert len(queries) == 2  # not while a page is rendered: afresh each time


@pytest.mark.django_db
def test_an_agency_page_names_its_own_copies_of_the_successions_every_page_shares(demo):
    succession = Succession.objects.exclude(successor=None).earliest("year")
    until = PublishedYears().latest.year
    with rendering(object()):
        lineage = agency_lineage(succession.successor, until=until)
        assert [s.predecessor for s in lineage.origins] == [succession.predecessor]
        shared = successions_until(until)
        assert succession in shared
        predecessor = Succession._meta.get_field("predecessor")
        assert not any(predecessor.is_cached(s) for s in shared)  # the next page's rows are as read
