from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from criteria.models import EvaluationYear
from rankings.models import Score
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def block():
    group = factories.agency_group()
    year = factories.evaluation_year(2019, published=False)
    return group, year, factories.criterion(year, group, "1.2", 20, name="An toàn thông tin")


def test_one_score_per_agency_and_criterion(block):
    group, _year, criterion = block
    agency = factories.agency(group)
    factories.score(agency, criterion, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.score(agency, criterion, 12)
    assert Score.objects.get().value == Decimal("10.00")


def test_the_database_refuses_a_negative_score(block):
    group, _year, criterion = block
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.score(factories.agency(group), criterion, -1)
    assert not Score.objects.exists()


def test_a_score_above_the_maximum_is_refused_with_the_criterion_named(block):
    group, _year, criterion = block
    score = Score(agency=factories.agency(group), criterion=criterion, value=Decimal("20.5"))
    with pytest.raises(ValidationError) as error:
        score.full_clean()
    message = error.value.message_dict["value"][0]
    assert "1.2" in message and "An toàn thông tin" in message and "20,5" in message and "20" in message


def test_a_score_below_zero_is_refused_by_validation_too(block):
    group, _year, criterion = block
    score = Score(agency=factories.agency(group), criterion=criterion, value=Decimal("-0.5"))
    with pytest.raises(ValidationError) as error:
        score.full_clean()
    assert "1.2" in error.value.message_dict["value"][0]


def test_an_agency_gets_no_score_on_another_blocks_criterion(block):
    _group, _year, criterion = block
    outsider = factories.agency(factories.agency_group())
    with pytest.raises(ValidationError) as error:
        Score(agency=outsider, criterion=criterion, value=Decimal(1)).full_clean()
    assert "criterion" in error.value.message_dict


def test_criterion_codes_are_unique_per_year_and_block(block):
    group, year, _criterion = block
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.criterion(year, group, "1.2", 5)
    # The same code is fine in another block or another year.
    factories.criterion(year, factories.agency_group(), "1.2", 5)
    factories.criterion(factories.evaluation_year(2020), group, "1.2", 5)


def test_a_criterion_needs_a_positive_maximum(block):
    group, year, _criterion = block
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.criterion(year, group, "9.9", 0)


def test_a_published_year_needs_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationYear.objects.create(year=2030, status=EvaluationYear.Status.PUBLISHED)


def test_agency_slug_and_sort_key_come_from_its_names():
    agency = factories.agency(factories.agency_group(), name="Sở Giáo dục và Đào tạo", short_name="Giáo dục")
    assert agency.slug == "so-giao-duc-va-dao-tao"
    assert agency.search_text == "sogiaoducvadaotao|sogddt|giaoduc|giaod"  # names, then abbreviations: Sở GD&ĐT
