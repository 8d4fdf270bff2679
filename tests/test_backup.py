"""Backup and restore: dump, load into an empty database, and every ranking download is identical."""

import pytest
from django.core.management import CommandError, call_command

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear
from rankings.models import Score

pytestmark = pytest.mark.django_db(transaction=True)


def every_download(client):
    return {
        (year.year, group.slug): client.get(f"/rankings/{year.year}/{group.slug}.json").content
        for year in EvaluationYear.objects.published()
        for group in AgencyGroup.objects.in_year(year.year)
    }


def test_the_whole_database_round_trips(client, tmp_path, django_user_model):
    call_command("load_demo", verbosity=0)
    django_user_model.objects.create_superuser(username="admin", password="x")
    before = every_download(client)
    history_before = Score.history.count()
    backup = tmp_path / "backup.json"
    call_command("export_all", "--output", str(backup), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)  # an empty database, tables migrated
    assert not EvaluationYear.objects.exists()
    call_command("import_all", str(backup), verbosity=0)

    after = every_download(client)
    assert len(before) == 6 and after == before  # 2018 and 2019: two blocks; 2025: departments and communes
    assert Score.history.count() == history_before
    assert django_user_model.objects.get(username="admin").check_password("x")


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    call_command("load_demo", verbosity=0)
    backup = tmp_path / "backup.json"
    call_command("export_all", "--output", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="empty"):
        call_command("import_all", str(backup), verbosity=0)
