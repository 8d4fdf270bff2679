"""Property-based tests (hypothesis) for the two things every import leans on: numbers and agency names."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.vietnamese import fold
from imports.importing import AgencyMatcher, parse_number
from tests import factories

scores = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)


def vietnamese(number):
    """As a Vietnamese spreadsheet shows it: "1.234,5"."""
    whole, _, cents = f"{number:,.2f}".partition(".")
    return whole.replace(",", ".") + "," + cents


@given(scores)
def test_a_number_reads_back_in_every_way_people_write_it(number):
    for text in (str(number), f"{number:,.2f}", vietnamese(number), str(number).replace(".", ","), f" {number} "):
        assert parse_number(text) == (number, None), text
    assert parse_number(float(number)) == (number, None)


@given(st.text(max_size=40))
def test_any_text_gives_a_number_or_a_reason_and_never_an_exception(text):
    number, reason = parse_number(text)
    assert (number is None) != (reason is None)
    if number is not None:
        assert number == number.quantize(Decimal("0.01")) and number.is_finite()


@given(st.decimals(allow_nan=True, allow_infinity=True) | st.floats() | st.integers())
def test_any_number_like_cell_is_handled(cell):
    number, reason = parse_number(cell)
    assert (number is None) != (reason is None)


NAMES = ["Sở Tài chính", "Sở Tư pháp", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Văn phòng UBND tỉnh", "Thanh tra tỉnh"]


@pytest.fixture
def matcher(db):
    # Built once per test; hypothesis then runs its examples against it.
    group, other = factories.agency_group(), factories.agency_group()
    agencies = {name: factories.agency(group, name=name) for name in NAMES}
    outsider = factories.agency(other, name="UBND huyện Văn Lâm")
    return AgencyMatcher(factories.evaluation_year(2030, published=False), group), agencies, outsider


def respell(name, data):
    """The name as a clerk might type it: any case, extra spaces, with or without diacritics."""
    if data.draw(st.booleans()):
        name = fold(name)
    name = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in name)
    return data.draw(st.sampled_from(["", " ", "  "])) + name.replace(" ", data.draw(st.sampled_from([" ", "  "])))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(data=st.data())
def test_an_agency_is_found_however_its_name_is_typed(matcher, data):
    agency_matcher, agencies, _outsider = matcher
    name = data.draw(st.sampled_from(NAMES))
    found, failure = agency_matcher.match(unicodedata.normalize("NFC", respell(name, data)))
    assert failure is None and found.name == name


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(text=st.text(max_size=30))
def test_the_matcher_never_returns_an_agency_of_another_block(matcher, text):
    agency_matcher, agencies, outsider = matcher
    found, failure = agency_matcher.match(text)
    assert (found is None) != (failure is None)
    assert found is None or found.pk in {a.pk for a in agencies.values()}
    assert found is None or found.pk != outsider.pk
