"""Faults: the database going away, a connection killed in the middle of an import, two imports at once."""

import threading
import time

import psycopg2
import pytest
from django.db import connection, connections

from imports.importing import apply_import
from imports.problems import SheetError
from rankings import services
from rankings.models import ImportLog, Score
from tests import sheets

pytestmark = pytest.mark.django_db(transaction=True)
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                      reason="pg_terminate_backend and row locks are PostgreSQL's")


def scores():
    return sorted(Score.objects.values_list("agency__name", "criterion__code", "value"))


def sheet(value):
    return sheets.xlsx([["Tên cơ quan", "1.1", "1.2"], ["Sở Tài chính", value, value], ["Sở Y tế", value, value]])


def test_with_the_database_down_pages_answer_503_in_vietnamese_and_recover(client, demo):
    assert client.get("/rankings/2019/so-ban-nganh/").status_code == 200  # now in the page cache
    database = connections["default"]
    saved = dict(database.settings_dict)
    database.close()
    if database.vendor == "postgresql":
        database.settings_dict["PORT"] = "1"  # nothing listens there
    else:
        database.settings_dict["NAME"] = "/nonexistent/folder/db.sqlite3"
    try:
        # A page already cached is still served, and so is one made of nothing but what the pages of the same data
        # version read already (the ranking's download); the others cannot be built.
        assert client.get("/rankings/2019/so-ban-nganh/").status_code == 200
        assert client.get("/rankings/2019/so-ban-nganh.csv").status_code == 200
        for url in ["/", "/rankings/2019/ubnd-huyen/", "/agencies/so-tai-chinh/", "/rankings/2019/ubnd-huyen.csv"]:
            response = client.get(url)
            assert response.status_code == 503, url
            assert "Hệ thống đang tạm thời gián đoạn" in response.content.decode()
            assert response["Retry-After"] == "30"
    finally:
        database.close()
        database.settings_dict.update(saved)
    assert client.get("/rankings/2019/ubnd-huyen/").status_code == 200  # back by itself


@needs_postgresql
def test_a_connection_killed_mid_import_changes_nothing_and_the_next_import_works(block, monkeypatch):
    year, group = block
    apply_import(content=sheet(1), filename="first.xlsx", year=year, agency_group=group, user=None)
    before = scores()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    original = services._write_scores

    def kill_after_writing(**kwargs):
        original(**kwargs)  # the scores are written, inside the import's transaction
        killer = psycopg2.connect(host=connection.settings_dict["HOST"], port=connection.settings_dict["PORT"],
                                  user=connection.settings_dict["USER"], dbname="postgres")
        killer.autocommit = True
        killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()

    monkeypatch.setattr(services, "_write_scores", kill_after_writing)
    with pytest.raises(SheetError) as error:
        apply_import(content=sheet(5), filename="second.xlsx", year=year, agency_group=group, user=None)
    assert "connection was lost" in error.value.problems[0].text_in("en")

    connection.close()  # what the next request does
    assert scores() == before
    assert ImportLog.objects.count() == 1
    monkeypatch.undo()
    apply_import(content=sheet(7), filename="third.xlsx", year=year, agency_group=group, user=None)
    assert {value for _a, _c, value in scores()} == {7}


@needs_postgresql
def test_two_imports_of_the_same_year_and_block_are_serialised(block, monkeypatch):
    year, group = block
    original = services._write_scores
    first_writing = threading.Event()

    def slow_write(**kwargs):
        original(**kwargs)
        first_writing.set()
        time.sleep(1)  # hold the year's lock while the other import starts

    monkeypatch.setattr(services, "_write_scores", slow_write)
    outcomes, errors = {}, []

    def run(name, value):
        try:
            outcomes[name] = apply_import(content=sheet(value), filename=f"{name}.xlsx", year=year, agency_group=group,
                                          user=None)
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=("first", 3))
    first.start()
    assert first_writing.wait(10)
    second = threading.Thread(target=run, args=("second", 4))
    second.start()
    first.join(30)
    second.join(30)

    assert errors == []
    assert (outcomes["first"].created, outcomes["first"].updated) == (4, 0)
    # The second saw the first's committed scores: it updated them rather than inserting duplicates.
    assert (outcomes["second"].created, outcomes["second"].updated) == (0, 4)
    assert Score.objects.count() == 4 and {value for _a, _c, value in scores()} == {4}
    assert ImportLog.objects.count() == 2
