"""A year's classes for a block replace the site's bands there, and are frozen with the year."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from criteria.models import EvaluationYear, ResultClass
from criteria.services import copy_criteria
from rankings.selectors import PublishedYears, build_rankings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_blocks():
    """2024 published, two blocks of one agency each: 90 % and 60 % of the maximum; 2024's departments have classes."""
    departments, districts = factories.agency_group(slug="so", name="Sở"), factories.agency_group(slug="huyen")
    year = factories.evaluation_year(2024)
    for block, points in [(departments, 90), (districts, 60)]:
        factories.score(factories.agency(block, name=f"Cơ quan {points}"), factories.criterion(year, block, "1", 100),
                        points)
    for name, percent in [("Tốt", 80), ("Khá", 65), ("Trung bình", 50)]:
        ResultClass.objects.create(year=year, agency_group=departments, name=name, min_percent=Decimal(percent))
    return year, departments, districts


def test_the_years_classes_replace_the_bands_for_their_block_only(client, two_blocks):
    year, departments, districts = two_blocks
    rankings = build_rankings(years=[year], published=PublishedYears(), blocks=[departments, districts])
    assert str(rankings[year.pk, departments.pk].standings[0].band) == "Tốt"
    assert str(rankings[year.pk, districts.pk].standings[0].band) == "Cao"  # the bands: from 50 %
    page = client.get("/criteria/2024/so/").content.decode()
    assert "Tốt" in page and "Khá" in page and "Rất cao" not in page
    assert "Rất cao" in client.get("/criteria/2024/huyen/").content.decode()


def test_a_published_years_classes_are_frozen(two_blocks):
    year, departments, _districts = two_blocks
    result_class = ResultClass(year=year, agency_group=departments, name="Xuất sắc", min_percent=Decimal(95))
    with pytest.raises(ValidationError, match="hủy công bố"):
        result_class.full_clean()


def test_copying_a_years_criteria_copies_its_classes(two_blocks):
    year, departments, _districts = two_blocks
    target, _count = copy_criteria(source=year, target_year=2025, user=None)
    assert target.status == EvaluationYear.Status.DRAFT
    assert list(target.result_classes.values_list("agency_group__slug", "name", "min_percent")) == [
        ("so", "Tốt", Decimal(80)), ("so", "Khá", Decimal(65)), ("so", "Trung bình", Decimal(50))]
