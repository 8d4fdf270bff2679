import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from criteria.models import Criterion, EvaluationYear
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    group = factories.agency_group()
    year = factories.evaluation_year(2019)
    parent = factories.criterion(year, group, "2.1", 40, criteria_group="it_application")
    factories.criterion(year, group, "2.1.1", 20, criteria_group="it_application", parent=parent)
    factories.criterion(year, group, "2.1.2", 20, criteria_group="it_application", parent=parent)
    factories.criterion(year, factories.agency_group(), "1.1", 15)
    return year


def criteria_of(year_number):
    return sorted(
        Criterion.objects.filter(year__year=year_number).values_list(
            "agency_group__slug", "criteria_group__code", "code", "name", "max_points", "parent__code", "order"
        )
    )


def test_the_command_copies_every_criterion_with_its_tree_to_a_new_draft_year(source):
    call_command("copy_criteria", "2019", "2020", verbosity=0)
    assert criteria_of(2020) == criteria_of(2019)
    assert EvaluationYear.objects.get(year=2020).status == EvaluationYear.Status.DRAFT
    copied_child = Criterion.objects.get(year__year=2020, code="2.1.1")
    assert copied_child.parent.year.year == 2020


def test_the_command_refuses_a_year_that_already_has_criteria(source):
    call_command("copy_criteria", "2019", "2020", verbosity=0)
    with pytest.raises(CommandError, match="2020"):
        call_command("copy_criteria", "2019", "2020", verbosity=0)
    assert len(criteria_of(2020)) == 4


def test_the_command_refuses_an_unknown_source_year(db):
    with pytest.raises(CommandError, match="2017"):
        call_command("copy_criteria", "2017", "2018", verbosity=0)


def test_the_admin_action_asks_for_the_target_year_then_copies(staff_client, source):
    url = reverse("admin:criteria_evaluationyear_changelist")
    selection = {"action": "copy_criteria_action", "_selected_action": [source.pk]}
    form = staff_client.post(url, selection)
    assert form.status_code == 200 and 'name="target_year"' in form.content.decode()

    done = staff_client.post(url, {**selection, "apply": "1", "target_year": "2021"}, follow=True)
    assert done.status_code == 200
    assert criteria_of(2021) == criteria_of(2019)
    assert "2021" in done.content.decode()
