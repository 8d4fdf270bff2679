"""Publishing a year by the People's Committee's decision, after a check of what is still missing."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from agencies.models import Succession
from criteria.models import EvaluationYear, ResultClass
from criteria.services import change_year_status
from rankings.publication import completeness, publish_year
from rankings.selectors import publication_record
from rankings.services import save_agency_scores
from tests import factories

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status


@pytest.fixture
def year_under_appraisal():
    """Sở A scored on both criteria, Sở B on one (1.2 not applicable to it), Sở C on none."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    first, second = factories.criterion(year, block, "1.1", 10), factories.criterion(year, block, "1.2", 10)
    a, b, c = (factories.agency(block, name=name) for name in ("Sở A", "Sở B", "Sở C"))
    save_agency_scores(agency=a, year=year, user=None, changes={first.pk: {"value": Decimal(8)},
                                                                second.pk: {"value": Decimal(7)}})
    save_agency_scores(agency=b, year=year, user=None, changes={first.pk: {"value": Decimal(6)}})
    return year, block, (first, second), (a, b, c)


def test_the_check_names_agencies_without_scores_and_criteria_left_blank(year_under_appraisal):
    year, _block, (_first, second), (_a, b, _c) = year_under_appraisal
    assert completeness(year).lines() == [
        "Sở, ban, ngành: Sở C chưa có điểm.", "Sở, ban, ngành: Sở B chưa có điểm tiêu chí 1.2."]
    save_agency_scores(agency=b, year=year, user=None, changes={second.pk: {
        "not_applicable": True, "not_applicable_reason": "Không có"}})
    assert completeness(year).lines() == ["Sở, ban, ngành: Sở C chưa có điểm."]  # a mark settles a criterion


def test_publishing_needs_a_decision_and_for_an_incomplete_year_a_reason(year_under_appraisal):
    year, *_rest = year_under_appraisal
    with pytest.raises(ValidationError, match="số và ngày ký của quyết định"):
        publish_year(year=year, decision_number=" ", signed_on=None, user=None)
    with pytest.raises(ValidationError, match="chưa đủ"):
        publish_year(year=year, decision_number="768/QĐ-UBND", signed_on="2025-04-08", user=None)
    year.refresh_from_db()
    assert (year.status, year.decision_number) == (Status.APPRAISAL, "")

    publish_year(year=year, decision_number="768/QĐ-UBND", signed_on="2025-04-08", user=None,
                 incomplete_reason="Sở C không nộp báo cáo")
    year.refresh_from_db()
    assert (year.status, year.decision_number, year.incomplete_reason) == (
        Status.PUBLISHED, "768/QĐ-UBND", "Sở C không nộp báo cáo")


def test_only_those_who_may_publish_do(year_under_appraisal, people):
    year, *_rest = year_under_appraisal
    with pytest.raises(PermissionDenied):
        publish_year(year=year, decision_number="1/QĐ-UBND", signed_on="2025-01-01", user=people.appraiser,
                     incomplete_reason="thử")
    year.refresh_from_db()
    assert (year.status, year.decision_number) == (Status.APPRAISAL, "")


def test_the_command_lists_what_is_missing_and_publishes_with_a_reason(year_under_appraisal):
    with pytest.raises(CommandError, match="Sở C chưa có điểm"):
        call_command("publish", "2024", "--decision", "768/QĐ-UBND", "--signed-on", "2025-04-08")
    call_command("publish", "2024", "--decision", "768/QĐ-UBND", "--signed-on", "2025-04-08",
                 "--incomplete-reason", "Sở C không nộp báo cáo")
    assert EvaluationYear.objects.get(year=2024).is_published


def test_the_decisions_show_on_the_ranking_the_method_page_and_in_the_json(client, year_under_appraisal):
    year, block, *_rest = year_under_appraisal
    publish_year(year=year, decision_number="768/QĐ-UBND", signed_on="2025-04-08", user=None,
                 incomplete_reason="Sở C không nộp báo cáo")
    # Taken back, corrected, published again by a correcting decision: both are told.
    change_year_status(year=year, status=Status.APPRAISAL, user=None, reason="Sửa điểm Sở B")
    publish_year(year=year, decision_number="801/QĐ-UBND", signed_on="2025-05-02", user=None,
                 incomplete_reason="Sở C không nộp báo cáo")

    ranking = client.get(f"/rankings/2024/{block.slug}/").content.decode()
    assert "Phê duyệt theo Quyết định số 801/QĐ-UBND" in ranking
    method = client.get(f"/criteria/2024/{block.slug}/").content.decode()
    assert "số 768/QĐ-UBND" in method and "số 801/QĐ-UBND" in method
    assert "Sở C không nộp báo cáo" in method
    data = json.loads(client.get(f"/rankings/2024/{block.slug}.json").content)
    assert data["decision"] == {"number": "801/QĐ-UBND", "signed_on": "2025-05-02"}


def _rename(instance, name):
    instance.name = name
    instance.save()


# Each kind of change made while the year is taken back, and whether the method page then says it was corrected.
CHANGES = {
    "nothing": (lambda year, block, criteria, agencies: None, False),
    "a criterion": (lambda year, block, criteria, agencies: _rename(criteria[0], "Tiêu chí sửa"), True),
    "a criteria group": (lambda year, block, criteria, agencies: _rename(criteria[0].criteria_group, "Nhóm sửa"),
                         True),
    "a class": (lambda year, block, criteria, agencies: ResultClass.objects.create(
        year=year, agency_group=block, name="Tốt", min_percent=80), True),
    "a participant's name": (lambda year, block, criteria, agencies: factories.participant(
        year, agencies[0], name="Sở A mới"), True),
    "a succession of the year": (lambda year, block, criteria, agencies: Succession.objects.create(
        year=year.year, kind=Succession.Kind.RENAMED, predecessor=agencies[2], successor=agencies[0]), True),
    "a succession of a later year": (lambda year, block, criteria, agencies: Succession.objects.create(
        year=year.year + 1, kind=Succession.Kind.RENAMED, predecessor=agencies[2], successor=agencies[0]), False),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_method_page_tells_a_correction_by_any_of_what_the_results_are_read_with(year_under_appraisal, change):
    """publication_record asks for every kind of change: each one counts, and nothing else."""
    year, block, criteria, agencies = year_under_appraisal
    make, corrected = CHANGES[change]
    for agency in agencies:
        factories.participant(year, agency)
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert not publication_record(year).changed_since
    change_year_status(year=year, status=Status.APPRAISAL, user=None, reason="Sửa sai sót")
    make(year, block, criteria, agencies)
    change_year_status(year=year, status=Status.PUBLISHED, user=None)
    assert publication_record(year).changed_since is corrected
