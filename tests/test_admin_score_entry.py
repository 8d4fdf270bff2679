"""The score entry screen through the test client, as ICT staff (a superuser here)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from rankings.models import Score
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet():
    group = factories.agency_group()
    year = factories.evaluation_year(2019, published=False)
    criteria = [
        factories.criterion(year, group, "1.1", 20, name="Máy tính và mạng"),
        factories.criterion(year, group, "5.1", 30, name="Kế hoạch ứng dụng CNTT", criteria_group="policy"),
    ]
    agency = factories.agency(group, name="Sở Tài chính")
    url = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": agency.pk, "year": year.year})
    return agency, year, criteria, url


def save(client, url, values, **extra):
    """Open the screen as a person would, then post `values` ({"value_<id>": ...}) with its version."""
    version = client.get(url).context["form"]["version"].value()
    return client.post(url, {"version": version, **values}, **extra)


def test_the_screen_lists_every_criterion_with_its_maximum(staff_client, sheet):
    _agency, _year, criteria, url = sheet
    response = staff_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Máy tính và mạng" in page and "Kế hoạch ứng dụng CNTT" in page
    assert f'name="value_{criteria[0].pk}"' in page and f'name="self_assessed_{criteria[0].pk}"' in page
    assert "Chưa có điểm thẩm định" in page  # no total yet


def test_a_valid_save_stores_every_score_and_shows_the_total(staff_client, sheet):
    _agency, _year, (infra, policy), url = sheet
    response = save(staff_client, url, {f"value_{infra.pk}": "19,34", f"value_{policy.pk}": "30"}, follow=True)
    assert response.status_code == 200
    assert dict(Score.objects.values_list("criterion", "value")) == {infra.pk: Decimal("19.34"), policy.pk: 30}
    page = response.content.decode()
    assert "49,34" in page  # the total, with a decimal comma
    assert "Sở Tài chính" in page


def test_a_value_above_the_maximum_is_refused_naming_the_criterion_and_nothing_is_saved(staff_client, sheet):
    agency, _year, (infra, policy), url = sheet
    factories.score(agency, infra, 10)
    response = save(staff_client, url, {f"value_{infra.pk}": "15", f"value_{policy.pk}": "30,5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "5.1" in page and "Kế hoạch ứng dụng CNTT" in page and "vượt quá điểm tối đa" in page
    assert "Chưa lưu" in page
    assert list(Score.objects.values_list("criterion", "value")) == [(infra.pk, Decimal("10.00"))]


def test_a_negative_value_is_refused(staff_client, sheet):
    _agency, _year, (infra, _policy), url = sheet
    response = save(staff_client, url, {f"value_{infra.pk}": "-1"})
    assert "nhỏ hơn 0" in response.content.decode()
    assert not Score.objects.exists()


def test_blank_fields_remove_the_score(staff_client, sheet):
    agency, _year, (infra, policy), url = sheet
    factories.score(agency, infra, 10)
    factories.score(agency, policy, 10)
    save(staff_client, url, {f"value_{infra.pk}": "", f"value_{policy.pk}": "12"})
    assert list(Score.objects.values_list("criterion", "value")) == [(policy.pk, Decimal("12.00"))]


def test_the_chooser_opens_the_sheet_of_the_chosen_agency_and_year(staff_client, sheet):
    agency, year, _criteria, url = sheet
    response = staff_client.get(reverse("admin:rankings_score_entry"), {"agency": agency.pk, "year": year.year})
    assert response.status_code == 302 and response.url == url


def test_staff_without_the_view_permission_cannot_open_the_screen(client, people, sheet):
    client.force_login(people.staff)
    assert client.get(sheet[3]).status_code == 403


def test_admin_lists_open_with_filters_and_search(staff_client, demo):
    for name in ["agencies_agency", "agencies_agencygroup", "criteria_evaluationyear", "criteria_criterion",
                 "criteria_criteriagroup", "rankings_score", "rankings_band"]:
        response = staff_client.get(reverse(f"admin:{name}_changelist"), {"q": "Tài chính"})
        assert response.status_code == 200, name
    filtered = staff_client.get(reverse("admin:criteria_criterion_changelist"), {"year__id__exact": 1})
    assert filtered.status_code == 200
