"""The open-data downloads carry the same numbers as the ranking query behind the page."""

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from agencies.models import AgencyGroup
from rankings.selectors import PublishedYears, block_ranking
from tests import factories

pytestmark = pytest.mark.django_db

GROUP_CODES = ["infrastructure", "it_application", "online_services", "human_resources", "policy"]
HEADER = ["rank", "rank_change", "agency", "agency_slug", "points", "excluded_points", "applicable_max", "total",
          "max_total", "percent", "class", "ranked", "unranked_reason", "predecessors", *GROUP_CODES]


def expected_rows(year, slug):
    published = PublishedYears()
    ranking = block_ranking(published=published, year=published.get(year),
                            block=AgencyGroup.objects.get(slug=slug))
    return [
        [s.rank, s.rank_change, s.name, s.slug, s.points, s.excluded, s.applicable_max, s.total, ranking.max_total,
         s.percent, s.band.name, s.ranked, "", "", *(s.groups[code] for code in GROUP_CODES)]
        for s in ranking.standings
    ]


def test_csv_has_a_bom_the_columns_and_the_values_of_the_ranking_query(client, demo):
    response = client.get("/rankings/2019/so-ban-nganh.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    expected = [["true" if v is True else "" if v is None else str(v) for v in row]
                for row in expected_rows(2019, "so-ban-nganh")]
    assert rows[1:] == expected
    assert rows[1][:5] == ["1", "2", "Sở Tài chính", "so-tai-chinh", "413.00"]
    assert rows[1][5:8] == ["0.00", "500.00", "413.00"]  # nothing excluded: the total is the points
    assert rows[4][7] == "410.50"  # decimal point, not comma
    assert rows[1][11:13] == ["true", ""]


def test_xlsx_has_the_same_numbers_under_vietnamese_headers(client, demo):
    """The workbook is for people since issue 17 (tests/test_downloads_for_people.py): the same numbers."""
    response = client.get("/rankings/2019/ubnd-huyen.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ["Hạng", "Thay đổi thứ hạng", "Cơ quan", "Tổng điểm (tối đa 150)", "Tỷ lệ thực hiện",
                           "Xếp loại"]
    for got, want in zip(rows[1:], expected_rows(2019, "ubnd-huyen"), strict=True):
        assert got[:3] == want[:3]
        assert got[5] == want[10]
        assert [Decimal(str(v)) for v in [got[3], *got[6:11]]] == [want[7], *want[14:]]
        assert Decimal(str(round(got[4] * 100, 2))) == want[9]  # a percentage cell holds the fraction
        assert got[-1] == want[3]
    assert rows[1][2:5] == ["UBND huyện Văn Lâm", 119.34, 0.7956]


def test_json_has_the_documented_shape_with_numbers_as_numbers(client, demo):
    data = json.loads(client.get("/rankings/2019/so-ban-nganh.json").content)
    assert set(data) == {"year", "group", "max_total", "decision", "criteria_groups", "results"}
    assert data["decision"] is None  # the article gives no decision for 2019
    assert data["year"] == 2019 and data["max_total"] == 500
    assert data["group"] == {"slug": "so-ban-nganh", "name": "Sở, ban, ngành"}
    assert [g["code"] for g in data["criteria_groups"]] == GROUP_CODES
    assert sum(g["max"] for g in data["criteria_groups"]) == 500
    first = data["results"][0]
    assert first == {
        "rank": 1, "rank_change": 2, "agency": {"name": "Sở Tài chính", "slug": "so-tai-chinh"},
        "points": 413.0, "excluded_points": 0.0, "applicable_max": 500.0, "total": 413.0, "percent": 82.6,
        "class": first["class"], "ranked": True, "unranked_reason": None, "predecessors": [],
        "groups": {"infrastructure": 50.0, "it_application": 120.0, "online_services": 77.0,
                   "human_resources": 76.0, "policy": 90.0},
    }
    assert len(data["results"]) == len(expected_rows(2019, "so-ban-nganh"))
    assert data["results"][0]["agency"]["name"] == "Sở Tài chính"


def test_a_new_agency_has_a_blank_change_in_csv_and_null_in_json(client, demo):
    rows = list(csv.reader(io.StringIO(client.get("/rankings/2018/so-ban-nganh.csv").content.decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:]} == {""}
    data = json.loads(client.get("/rankings/2018/so-ban-nganh.json").content)
    assert {r["rank_change"] for r in data["results"]} == {None}


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, payload):
    group = factories.agency_group(slug="khoi")
    year = factories.evaluation_year(2021)
    factories.score(factories.agency(group, name=payload, slug="ke-gian"), factories.criterion(year, group, "1", 5), 1)

    rows = list(csv.reader(io.StringIO(client.get("/rankings/2021/khoi.csv").content.decode("utf-8-sig"))))
    assert rows[1][2] == "'" + payload
    sheet = load_workbook(io.BytesIO(client.get("/rankings/2021/khoi.xlsx").content)).active
    assert sheet.cell(row=2, column=3).value == "'" + payload
    assert sheet.cell(row=2, column=3).data_type == "s"
    assert json.loads(client.get("/rankings/2021/khoi.json").content)["results"][0]["agency"]["name"] == payload
