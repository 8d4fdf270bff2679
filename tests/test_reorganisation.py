"""The 2025 reorganisation of agencies: successions (renamed, merged, formed, split, dissolved) and their rules, names
of the time, blocks that begin and end, the search over every block and year, the 2025 demo, imports of a year's
names, and pages whose number of queries does not grow with the successions."""

import csv
import html
import io
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agencies.models import Agency, AgencyGroup, Succession
from criteria.models import Criterion, EvaluationYear
from criteria.services import change_year_status
from imports.importing import AgencyMatcher, apply_import
from imports.problems import SheetError
from imports.score_sheet import score_sheet
from rankings import demo_data
from rankings.models import Participant, Score
from rankings.selectors import PublishedYears, block_ranking
from rankings.services import save_agency_scores
from tests import factories, sheets

pytestmark = pytest.mark.django_db

APPRAISAL = EvaluationYear.Status.APPRAISAL
PUBLISHED = EvaluationYear.Status.PUBLISHED
Kind = Succession.Kind


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def get(client, url, **params):
    """The page as it is built now, not a cached copy (on_commit never fires inside a test's transaction)."""
    cache.clear()
    return client.get(url, params) if params else client.get(url)


def text(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


ROW = re.compile(r'<tr><td class="col-rank">(.*?)</td><td class="col-agency"><a href="([^"]*)">([^<]*)</a>'
                 r'(?:<br><span class="lineage">([^<]*)</span>)?</td><td >(.*?)</td>')


def ranking_rows(page):
    """{name shown: (rank, link, lineage, change cell)} of the ranking table's rows."""
    body = page.split('id="ranking"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {html.unescape(name): (rank, link, html.unescape(lineage or ""), change)
            for rank, link, name, lineage, change in ROW.findall(body)}


def history_rows(page):
    """[(css class of the row, year, [cells as text])] of the agency page's table over the years."""
    table = page.split('id="history-caption"', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for css, year, cells in re.findall(r'<tr( class="forebear")?> <th scope="row">(.*?)</th>(.*?)</tr>', table):
        rows.append(("forebear" if css else "", re.sub(r"<[^>]+>", "", year).strip(),
                     [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                      for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)]))
    return rows


def history_chart(page):
    """The SVG of the line chart over the years (the first chart of the agency page)."""
    start = page.index('id="over-the-years"')
    return page[page.index("<svg", start):page.index("</svg>", start)]


def results_section(page):
    """The search page's results, without the header and footer (the footer names Sở TT&TT too)."""
    return page.split('id="results"', 1)[1].split("</section>", 1)[0]


def switchers(page):
    """(year links, block links) of a page's year and block switchers: [(label, address or None for current)]."""
    nav = page.split('<nav class="switchers"', 1)[1].split("</nav>", 1)[0]
    year_part, block_part = nav.split('class="switch-label"')[1:3]

    def links(part):
        items = re.findall(r'<li>(?:<span aria-current="page">([^<]*)</span>|<a href="([^"]*)">([^<]*)</a>)</li>', part)
        return [(current or label, None if current else address) for current, address, label in items]

    return links(year_part), links(block_part)


def csv_rows(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def succeed(kind, predecessor, successor=None, year=2025):
    """A succession checked as the admin checks it (clean and the constraints), then saved."""
    succession = Succession(year=year, kind=kind, predecessor=predecessor, successor=successor)
    succession.full_clean()
    succession.save()
    return succession


def appraisal_year(number, *blocks, maximum=100):
    """A year under appraisal with one criterion “1” of `maximum` points in each block."""
    year = factories.evaluation_year(number, status=APPRAISAL)
    for block in blocks:
        factories.criterion(year, block, "1", maximum)
    return year


def give(year, agency, points):
    """The agency's appraised points in `year`, through the entry screen's service, in its block of that year."""
    block_id = Participant.objects.block_of(agency, year)
    criterion = Criterion.objects.get(year=year, agency_group_id=block_id, code="1")
    save_agency_scores(agency=agency, year=year, changes={criterion.pk: {"value": Decimal(str(points))}}, user=None)


def publish(*years):
    for year in years:
        change_year_status(year=year, status=PUBLISHED, user=None)


# ---------------------------------------------------------------------------------------------------------------
# A block in 2024 and 2025, with one succession of every kind in 2025


@pytest.fixture
def reorganised(db):
    """Ranks in 2024 (out of 100): Kế hoạch 90 (1), Văn hóa 80 (2), Y tế 70 (3), Nông nghiệp 60 (4), Tài nguyên 55 (5),
    Tài chính 50 (6), Giao thông 40 (7), Ngoại vụ 30 (8), Tư pháp 20 (9).

    2025: Kế hoạch merged into Tài chính; Văn hóa renamed Văn hóa và Thể thao (a new agency); Nông nghiệp and Tài
    nguyên formed Nông nghiệp và Môi trường; Giao thông split into Đường bộ and Đường thủy; Ngoại vụ dissolved; Tư
    pháp not scored. Ranks in 2025: Tài chính 95 (1), NN&MT 90 (2), VH&TT 85 (3), Đường bộ 60 (4), Đường thủy 50
    (5), Y tế 20 (6).
    """
    block = factories.agency_group(name="Sở, ban, ngành thử", slug="so-thu")
    y2024, y2025 = appraisal_year(2024, block), appraisal_year(2025, block)

    def new(name, short_name=""):
        return factories.agency(block, name=name, short_name=short_name)

    a = SimpleNamespace(
        finance=new("Sở Tài chính", "Tài chính"), planning=new("Sở Kế hoạch và Đầu tư", "Kế hoạch"),
        culture=new("Sở Văn hóa"), culture2=new("Sở Văn hóa và Thể thao"), health=new("Sở Y tế"),
        farming=new("Sở Nông nghiệp"), resources=new("Sở Tài nguyên"), farming2=new("Sở Nông nghiệp và Môi trường"),
        transport=new("Sở Giao thông"), roads=new("Sở Đường bộ"), waterways=new("Sở Đường thủy"),
        foreign=new("Sở Ngoại vụ"), justice=new("Sở Tư pháp"),
    )
    for agency, points in [(a.planning, 90), (a.culture, 80), (a.health, 70), (a.farming, 60), (a.resources, 55),
                           (a.finance, 50), (a.transport, 40), (a.foreign, 30), (a.justice, 20)]:
        give(y2024, agency, points)
    for agency, points in [(a.finance, 95), (a.farming2, 90), (a.culture2, 85), (a.roads, 60), (a.waterways, 50),
                           (a.health, 20)]:
        give(y2025, agency, points)
    publish(y2024, y2025)
    succeed(Kind.MERGED, a.planning, a.finance)
    succeed(Kind.RENAMED, a.culture, a.culture2)
    succeed(Kind.FORMED, a.farming, a.farming2)
    succeed(Kind.FORMED, a.resources, a.farming2)
    succeed(Kind.SPLIT, a.transport, a.roads)
    succeed(Kind.SPLIT, a.transport, a.waterways)
    succeed(Kind.DISSOLVED, a.foreign)
    return SimpleNamespace(block=block, y2024=EvaluationYear.objects.get(year=2024),
                           y2025=EvaluationYear.objects.get(year=2025), **vars(a))


def ranking_2025(world):
    published = PublishedYears()
    return block_ranking(published=published, year=published.get(2025), block=world.block)


# ---------------------------------------------------------------------------------------------------------------
# 1. Each kind of succession in the rankings, downloads and agency pages


def test_every_kind_of_succession_sets_the_rank_change_by_the_comparison_rule(reorganised):
    w = reorganised
    standings = {s.agency_id: s for s in ranking_2025(w).standings}
    assert [(standings[a.pk].rank, standings[a.pk].rank_change) for a in
            (w.finance, w.farming2, w.culture2, w.roads, w.waterways, w.health)] == [
        (1, 5),  # merged: continues from its own 6th place, not from the absorbed agency's 1st
        (2, None),  # formed from two: new this year
        (3, -1),  # renamed: continues from Sở Văn hóa's 2nd place
        (4, None), (5, None),  # split from one: both new
        (6, -3),  # no succession: from 3rd to 6th
    ]
    assert not standings[w.finance.pk].newly_formed and standings[w.farming2.pk].newly_formed
    assert not standings[w.culture2.pk].newly_formed and standings[w.roads.pk].newly_formed
    # The absorbed, the dissolved and the agencies that were formed or split into others are not in 2025.
    assert not {w.planning.pk, w.culture.pk, w.farming.pk, w.transport.pk, w.foreign.pk} & set(standings)


def test_the_ranking_page_names_what_each_agency_came_from_and_marks_the_new_ones(client, reorganised):
    with translation.override("vi"):
        rows = ranking_rows(text(get(client, "/rankings/2025/so-thu/")))
    finance, farming, culture = rows["Tài chính"], rows["Sở Nông nghiệp và Môi trường"], rows["Sở Văn hóa và Thể thao"]
    assert finance[0] == "1" and finance[2] == "hợp nhất Sở Kế hoạch và Đầu tư"
    assert "change-up" in finance[3] and "▲ 5" in finance[3]
    assert farming[2] == "thành lập từ Sở Nông nghiệp, Sở Tài nguyên"
    assert "mới thành lập" in farming[3] and "▲" not in farming[3]
    assert culture[2] == "trước đây là Sở Văn hóa" and "▼ 1" in culture[3]
    for name in ("Sở Đường bộ", "Sở Đường thủy"):
        assert rows[name][2] == "chia tách từ Sở Giao thông" and "mới thành lập" in rows[name][3]
    assert rows["Sở Y tế"][2] == "" and "▼ 3" in rows["Sở Y tế"][3]


def test_the_2024_ranking_of_the_same_block_names_no_successions(client, reorganised):
    rows = ranking_rows(text(get(client, "/rankings/2024/so-thu/")))
    assert len(rows) == 9 and rows["Kế hoạch"][0] == "1"
    assert all(lineage == "" for _rank, _link, lineage, _change in rows.values())


def test_the_json_download_carries_the_predecessors_with_slug_name_and_kind(client, reorganised):
    data = json.loads(get(client, "/rankings/2025/so-thu.json").content)
    results = {r["agency"]["slug"]: r for r in data["results"]}
    assert results["so-tai-chinh"]["rank_change"] == 5
    assert results["so-tai-chinh"]["predecessors"] == [
        {"slug": "so-ke-hoach-va-dau-tu", "name": "Sở Kế hoạch và Đầu tư", "kind": "merged"}]
    assert results["so-nong-nghiep-va-moi-truong"]["rank_change"] is None
    assert results["so-nong-nghiep-va-moi-truong"]["predecessors"] == [
        {"slug": "so-nong-nghiep", "name": "Sở Nông nghiệp", "kind": "formed"},
        {"slug": "so-tai-nguyen", "name": "Sở Tài nguyên", "kind": "formed"}]
    assert results["so-van-hoa-va-the-thao"]["predecessors"] == [
        {"slug": "so-van-hoa", "name": "Sở Văn hóa", "kind": "renamed"}]
    assert results["so-van-hoa-va-the-thao"]["rank_change"] == -1
    assert results["so-duong-bo"]["predecessors"] == [
        {"slug": "so-giao-thong", "name": "Sở Giao thông", "kind": "split"}]
    assert results["so-y-te"]["predecessors"] == []


def test_the_csv_download_lists_each_predecessor_as_kind_and_slug_joined_by_semicolons(client, reorganised):
    rows = {row["agency_slug"]: row for row in csv_rows(get(client, "/rankings/2025/so-thu.csv"))}
    assert rows["so-tai-chinh"]["predecessors"] == "merged:so-ke-hoach-va-dau-tu"
    assert rows["so-tai-chinh"]["rank_change"] == "5"
    assert rows["so-nong-nghiep-va-moi-truong"]["predecessors"] == "formed:so-nong-nghiep;formed:so-tai-nguyen"
    assert rows["so-nong-nghiep-va-moi-truong"]["rank_change"] == ""
    assert rows["so-van-hoa-va-the-thao"]["predecessors"] == "renamed:so-van-hoa"
    assert rows["so-duong-thuy"]["predecessors"] == "split:so-giao-thong"
    assert rows["so-y-te"]["predecessors"] == ""


def test_the_xlsx_download_names_the_predecessors_too(client, reorganised):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(get(client, "/rankings/2025/so-thu.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    remarks, slugs = rows[0].index("Ghi chú"), rows[0].index("Mã cơ quan")
    by_slug = {row[slugs]: row[remarks] for row in rows[1:]}
    assert by_slug["so-nong-nghiep-va-moi-truong"] == "thành lập từ Sở Nông nghiệp, Sở Tài nguyên"
    assert by_slug["so-tai-chinh"] == "hợp nhất Sở Kế hoạch và Đầu tư"


def test_a_formed_agency_shows_its_predecessors_results_as_theirs(client, reorganised):
    with translation.override("vi"):
        page = text(get(client, "/agencies/so-nong-nghiep-va-moi-truong/"))
    # One sentence for the formation, naming both predecessors.
    assert re.findall(r'<p class="lineage-note">(.*?)</p>', page) == [
        'Thành lập năm 2025 từ <a href="/agencies/so-nong-nghiep/">Sở Nông nghiệp</a>, '
        '<a href="/agencies/so-tai-nguyen/">Sở Tài nguyên</a>: kết quả các năm trước là của các cơ quan đó.']
    assert history_rows(page) == [
        ("", "2025", ["90/100", "90 %", "2/6"]),
        ("forebear", "2024", ["60/100 (kết quả của Sở Nông nghiệp)", "60 %", "4/9"]),
        ("forebear", "2024", ["55/100 (kết quả của Sở Tài nguyên)", "55 %", "5/9"]),
    ]


def test_the_forebears_results_are_hollow_named_marks_in_the_chart(client, reorganised):
    chart = history_chart(text(get(client, "/agencies/so-nong-nghiep-va-moi-truong/")))
    own = re.findall(r'<circle [^>]*class="series-0"/>', chart)
    forebears = re.findall(r'<circle [^>]*class="chart-forebear [^"]*"><title>([^<]*)</title></circle>', chart)
    assert len(own) == 1
    assert forebears == ["Sở Nông nghiệp: 60 %", "Sở Tài nguyên: 55 %"]
    # Hollow: the style sheet fills them white.
    with open(finders.find("css/site.css"), encoding="utf-8") as style:
        assert re.search(r"\.chart-forebear\s*\{[^}]*fill:\s*#fff", style.read())


def test_a_split_agency_shows_the_results_of_the_agency_it_was_split_from(client, reorganised):
    with translation.override("vi"):
        page = text(get(client, "/agencies/so-duong-thuy/"))
    assert re.findall(r'<p class="lineage-note">(.*?)</p>', page) == [
        'Chia tách từ <a href="/agencies/so-giao-thong/">Sở Giao thông</a> năm 2025: kết quả các năm trước là của cơ '
        'quan đó.']
    assert history_rows(page) == [
        ("", "2025", ["50/100", "50 %", "5/6"]),
        ("forebear", "2024", ["40/100 (kết quả của Sở Giao thông)", "40 %", "7/9"]),
    ]


def test_the_agency_split_in_two_names_both_parts_and_ends_its_history(client, reorganised):
    with translation.override("vi"):
        page = text(get(client, "/agencies/so-giao-thong/"))
    [sentence] = re.findall(r'<p class="note">(Năm 2025 chia tách thành .*?)</p>', page)
    assert sorted(re.findall(r'<a href="([^"]*)">([^<]*)</a>', sentence)) == [
        ("/agencies/so-duong-bo/", "Sở Đường bộ"), ("/agencies/so-duong-thuy/", "Sở Đường thủy")]
    assert re.fullmatch(r"Năm 2025 chia tách thành <a [^>]*>[^<]*</a>, <a [^>]*>[^<]*</a>\.", sentence)
    assert history_rows(page) == [("", "2024", ["40/100", "40 %", "7/9"])]


def test_a_renamed_agency_shows_its_former_self_and_a_merged_one_does_not_take_the_absorbed_results(
        client, reorganised):
    with translation.override("vi"):
        renamed = text(get(client, "/agencies/so-van-hoa-va-the-thao/"))
        merged = text(get(client, "/agencies/so-tai-chinh/"))
    assert 'Đổi tên năm 2025; trước đây là <a href="/agencies/so-van-hoa/">Sở Văn hóa</a>.' in renamed
    assert history_rows(renamed) == [
        ("", "2025", ["85/100", "85 %", "3/6"]),
        ("forebear", "2024", ["80/100 (kết quả của Sở Văn hóa)", "80 %", "2/9"]),
    ]
    assert 'Hợp nhất <a href="/agencies/so-ke-hoach-va-dau-tu/">Sở Kế hoạch và Đầu tư</a> từ năm 2025.' in merged
    # The absorbed agency keeps its own history: the merged one shows only its own years.
    assert history_rows(merged) == [("", "2025", ["95/100", "95 %", "1/6"]), ("", "2024", ["50/100", "50 %", "6/9"])]
    assert "kết quả của" not in merged and "chart-forebear" not in merged


def test_the_absorbed_and_the_dissolved_agencies_end_with_their_fate(client, reorganised):
    with translation.override("vi"):
        absorbed = text(get(client, "/agencies/so-ke-hoach-va-dau-tu/"))
        dissolved = text(get(client, "/agencies/so-ngoai-vu/"))
        renamed_from = text(get(client, "/agencies/so-van-hoa/"))
        unscored = text(get(client, "/agencies/so-tu-phap/"))
    assert 'Từ năm 2025 hợp nhất vào <a href="/agencies/so-tai-chinh/">Sở Tài chính</a>.' in absorbed
    assert history_rows(absorbed) == [("", "2024", ["90/100", "90 %", "1/9"])]
    assert "Giải thể năm 2025." in dissolved
    assert history_rows(dissolved) == [("", "2024", ["30/100", "30 %", "8/9"])]
    assert 'Từ năm 2025 đổi tên thành <a href="/agencies/so-van-hoa-va-the-thao/">Sở Văn hóa và Thể thao</a>.' \
        in renamed_from
    # An agency without a fate keeps the year it was not scored in, as not ranked.
    assert history_rows(unscored) == [("", "2025", ["không xếp hạng"]), ("", "2024", ["20/100", "20 %", "9/9"])]


def test_a_succession_of_a_year_not_yet_published_is_not_told(client, reorganised):
    succeed(Kind.DISSOLVED, reorganised.health, year=2026)
    with translation.override("vi"):
        page = text(get(client, "/agencies/so-y-te/"))
        found = results_section(text(get(client, "/search/", q="so y te")))
    assert "Giải thể" not in page and "Giải thể" not in found
    assert re.findall(r'href="/agencies/so-y-te/\?year=(\d+)">', found) == ["2025", "2024"]
    y2026 = appraisal_year(2026, reorganised.block)
    give(y2026, reorganised.finance, 50)
    publish(y2026)
    with translation.override("vi"):
        assert "Giải thể năm 2026." in text(get(client, "/agencies/so-y-te/"))


# Validation


def test_a_dissolution_needs_no_successor_and_takes_none(reorganised):
    w = reorganised
    succeed(Kind.DISSOLVED, w.health, year=2026)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        Succession(year=2026, kind=Kind.DISSOLVED, predecessor=w.justice, successor=w.finance).full_clean()
    assert "Hãy chọn cơ quan sau (một cơ quan khác), trừ khi cơ quan bị giải thể." in refused.value.messages
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        Succession(year=2026, kind=Kind.MERGED, predecessor=w.justice).full_clean()
    assert "Hãy chọn cơ quan sau (một cơ quan khác), trừ khi cơ quan bị giải thể." in refused.value.messages


def test_an_agency_succeeded_twice_in_one_year_is_refused_with_a_clear_message(db):
    block = factories.agency_group()
    old, first, second = (factories.agency(block, name=name) for name in ("Sở Cũ", "Sở Thứ nhất", "Sở Thứ hai"))
    succeed(Kind.MERGED, old, first)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        succeed(Kind.MERGED, old, second)
    # In Vietnamese, naming the agency and the year of the succession it already has:
    # “Sở Cũ đã có một thay đổi tổ chức trong năm 2025: …”.
    [message] = refused.value.messages
    assert message.startswith("Sở Cũ đã có") and "2025" in message
    # Nor a split row next to a merger, nor a dissolution after it.
    for kind, successor in [(Kind.SPLIT, second), (Kind.DISSOLVED, None)]:
        with pytest.raises(ValidationError):
            succeed(kind, old, successor)
    assert Succession.objects.filter(predecessor=old).count() == 1


def test_an_agency_has_one_fate_whatever_the_year(db):
    block = factories.agency_group()
    old, first = factories.agency(block, name="Sở Cũ"), factories.agency(block)
    succeed(Kind.MERGED, old, first, year=2025)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        succeed(Kind.DISSOLVED, old, year=2026)
    [message] = refused.value.messages
    assert message.startswith("Sở Cũ đã có") and "2025" in message


def test_a_merger_after_a_split_in_the_same_year_is_refused(db):
    block = factories.agency_group()
    old, first, second = (factories.agency(block) for _n in range(3))
    succeed(Kind.SPLIT, old, first)
    with pytest.raises(ValidationError):
        succeed(Kind.MERGED, old, second)


def test_a_split_of_one_into_two_or_three_is_allowed(db):
    block = factories.agency_group()
    old, *parts = (factories.agency(block) for _n in range(4))
    for part in parts:
        succeed(Kind.SPLIT, old, part)
    assert Succession.objects.filter(predecessor=old, kind=Kind.SPLIT).count() == 3
    # The same split row twice is one row too many.
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        succeed(Kind.SPLIT, old, parts[0])
    assert "Thay đổi này đã được ghi nhận." in refused.value.messages


def test_a_merger_of_three_is_two_rows_with_the_same_successor(db):
    block = factories.agency_group()
    successor, *absorbed = (factories.agency(block) for _n in range(3))
    for predecessor in absorbed:
        succeed(Kind.MERGED, predecessor, successor)
    assert successor.origins.count() == 2


def test_a_cycle_over_two_years_is_refused(db):
    block = factories.agency_group()
    first, second = factories.agency(block, name="Sở Một"), factories.agency(block, name="Sở Hai")
    succeed(Kind.RENAMED, first, second, year=2025)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        succeed(Kind.RENAMED, second, first, year=2026)
    assert list(refused.value.message_dict) == ["successor"]
    [message] = refused.value.message_dict["successor"]
    assert "vòng lặp" in message
    # “Sở Hai … từ Sở Một”: the agency that already comes from the other is named first, as it is.
    assert re.match(r"Sở Hai\b.*\btừ Sở Một\b", message)
    assert not Succession.objects.filter(predecessor=second).exists()


def test_a_longer_cycle_is_refused_and_a_chain_is_not(db):
    block = factories.agency_group()
    one, two, three, four = (factories.agency(block) for _n in range(4))
    succeed(Kind.RENAMED, one, two, year=2025)
    succeed(Kind.MERGED, two, three, year=2026)
    succeed(Kind.RENAMED, three, four, year=2027)  # a chain going on is fine
    with pytest.raises(ValidationError) as refused:
        succeed(Kind.FORMED, four, one, year=2028)
    assert "successor" in refused.value.message_dict


def test_a_successor_equal_to_its_predecessor_is_refused_by_the_database_and_told_to_name_another(db):
    agency = factories.agency(factories.agency_group(), name="Sở Một")
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        Succession(year=2025, kind=Kind.RENAMED, predecessor=agency, successor=agency).full_clean()
    # The constraint's message, not a circle that was never recorded.
    assert refused.value.messages == ["Hãy chọn cơ quan sau (một cơ quan khác), trừ khi cơ quan bị giải thể."]
    for kind in (Kind.RENAMED, Kind.DISSOLVED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Succession.objects.create(year=2025, kind=kind, predecessor=agency, successor=agency)
    assert not Succession.objects.exists()


def test_the_validation_messages_are_english_in_english(db):
    block = factories.agency_group()
    old, first, second = factories.agency(block, name="Sở Cũ"), factories.agency(block), factories.agency(block)
    succeed(Kind.MERGED, old, first)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        succeed(Kind.MERGED, old, second)
    [message] = refused.value.messages
    assert message.startswith("Sở Cũ already has") and "2025" in message


def test_a_rename_in_a_year_between_two_published_ones_continues_the_rank(db):
    """Renamed in 2021, when nothing was published: 2025 is compared with 2019 under the former name."""
    block = factories.agency_group(slug="khoi-doi-ten")
    y2019, y2025 = appraisal_year(2019, block), appraisal_year(2025, block)
    old, new, other = (factories.agency(block, name=n) for n in ("Sở Cũ", "Sở Mới", "Sở Khác"))
    give(y2019, old, 10)
    give(y2019, other, 20)
    give(y2025, new, 30)
    give(y2025, other, 5)
    publish(y2019, y2025)
    succeed(Kind.RENAMED, old, new, year=2021)  # no year between 2019 and 2025 was published
    standing = ranking_2025(SimpleNamespace(block=block)).standing_of(new.pk)
    assert (standing.rank, standing.rank_change) == (1, 1)
    assert standing.predecessors == [{"slug": "so-cu", "name": "Sở Cũ", "kind": "renamed", "agency_id": old.pk}]


def test_a_chain_of_renames_between_published_years_continues_from_the_first_name(db):
    block = factories.agency_group(slug="khoi-chuoi")
    y2019, y2025 = appraisal_year(2019, block), appraisal_year(2025, block)
    old, middle, new, other = (factories.agency(block, name=n) for n in ("Sở Cũ", "Sở Giữa", "Sở Mới", "Sở Khác"))
    give(y2019, old, 10)
    give(y2019, other, 20)
    give(y2025, new, 30)
    give(y2025, other, 5)
    publish(y2019, y2025)
    succeed(Kind.RENAMED, old, middle, year=2021)
    succeed(Kind.RENAMED, middle, new, year=2025)
    assert ranking_2025(SimpleNamespace(block=block)).standing_of(new.pk).rank_change == 1


def test_the_page_of_a_renamed_agency_with_two_years_of_its_own_draws_its_former_self(client, reorganised):
    w = reorganised
    y2026 = appraisal_year(2026, w.block)
    give(y2026, w.culture2, 70)
    give(y2026, w.health, 10)
    publish(y2026)
    response = get(client, "/agencies/so-van-hoa-va-the-thao/")
    assert response.status_code == 200
    chart = history_chart(text(response))
    assert re.findall(r'class="chart-axis" text-anchor="middle">(\d{4})</text>', chart) == ["2024", "2025", "2026"]
    assert re.findall(r"<title>([^<]*)</title>", chart) == ["Sở Văn hóa: 80 %"]
    assert len(re.findall(r'<circle [^>]*class="series-0"/>', chart)) == 2


# ---------------------------------------------------------------------------------------------------------------
# 2. Names of the time


def test_renaming_an_agency_today_leaves_2019_under_its_2019_name(client, demo):
    finance = Agency.objects.get(slug="so-tai-chinh")
    finance.name, finance.short_name = "Sở Tài chính tỉnh Hưng Yên mới", "TC Hưng Yên mới"
    finance.save()
    with translation.override("vi"):
        ranking = text(get(client, "/rankings/2019/so-ban-nganh/"))
        agency = text(get(client, "/agencies/so-tai-chinh/", year="2019"))
    assert ranking_rows(ranking)["Tài chính"][0] == "1"
    assert "mới" not in " ".join(ranking_rows(ranking))
    assert "TC Hưng Yên mới" not in ranking and "Sở Tài chính tỉnh Hưng Yên mới" not in ranking
    assert "<h1>Sở Tài chính tỉnh Hưng Yên mới</h1>" in agency
    assert "Năm 2019 mang tên Sở Tài chính." in agency
    rows = {row["agency_slug"]: row for row in csv_rows(get(client, "/rankings/2019/so-ban-nganh.csv"))}
    assert rows["so-tai-chinh"]["agency"] == "Sở Tài chính"
    results = json.loads(get(client, "/rankings/2019/so-ban-nganh.json").content)["results"]
    assert results[0]["agency"] == {"name": "Sở Tài chính", "slug": "so-tai-chinh"}


def test_a_participants_name_shows_on_its_own_years_pages_only(client, demo):
    participant = Participant.objects.get(year__year=2019, agency__slug="so-tai-chinh")
    participant.name, participant.short_name = "Sở Tài chính (tên năm 2019)", "Tài chính 2019"
    participant.save()
    assert participant.search_text.startswith("sotaichinhtennam2019")
    page_2019 = text(get(client, "/rankings/2019/so-ban-nganh/"))
    page_2018 = text(get(client, "/rankings/2018/so-ban-nganh/"))
    assert ranking_rows(page_2019)["Tài chính 2019"][0] == "1"
    assert "Tài chính 2019" not in page_2018 and "Tài chính" in ranking_rows(page_2018)
    assert csv_rows(get(client, "/rankings/2019/so-ban-nganh.csv"))[0]["agency"] == "Sở Tài chính (tên năm 2019)"
    assert "Sở Tài chính (tên năm 2019)" not in get(client, "/rankings/2018/so-ban-nganh.csv").content.decode(
        "utf-8-sig")
    with translation.override("vi"):
        agency = text(get(client, "/agencies/so-tai-chinh/", year="2019"))
    assert "Năm 2019 mang tên Sở Tài chính (tên năm 2019)." in agency
    # The ranking page's search reads the name of the year.
    found = ranking_rows(text(get(client, "/rankings/2019/so-ban-nganh/", q="ten nam 2019")))
    assert list(found) == ["Tài chính 2019"]


# ---------------------------------------------------------------------------------------------------------------
# 3. Blocks that end and blocks that begin


def test_a_block_exists_from_its_first_year_to_its_last(demo):
    districts, communes = AgencyGroup.objects.get(slug="ubnd-huyen"), AgencyGroup.objects.get(slug="ubnd-cap-xa")
    assert (districts.first_year, districts.last_year) == (None, 2024)
    assert (communes.first_year, communes.last_year) == (2025, None)
    assert [districts.exists_in(y) for y in (2018, 2024, 2025)] == [True, True, False]
    assert [communes.exists_in(y) for y in (2018, 2024, 2025, 2040)] == [False, False, True, True]
    assert set(AgencyGroup.objects.in_year(2024).values_list("slug", flat=True)) == {"so-ban-nganh", "ubnd-huyen"}
    assert set(AgencyGroup.objects.in_year(2025).values_list("slug", flat=True)) == {"so-ban-nganh", "ubnd-cap-xa"}


def test_a_block_cannot_end_before_it_begins(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.agency_group(first_year=2025, last_year=2024)
    assert factories.agency_group(first_year=2025, last_year=2025).exists_in(2025)


def test_the_home_page_shows_each_years_own_blocks(client, demo):
    page = text(get(client, "/"))
    assert 'id="block-so-ban-nganh"' in page and 'id="block-ubnd-cap-xa"' in page
    assert 'id="block-ubnd-huyen"' not in page
    earlier = set(re.findall(r'href="/rankings/(\d{4})/([\w-]+)/"', page.split("year-list", 1)[1]))
    assert earlier == {("2019", "so-ban-nganh"), ("2019", "ubnd-huyen"), ("2018", "so-ban-nganh"),
                       ("2018", "ubnd-huyen")}


def test_the_switchers_offer_only_the_blocks_of_the_year(client, demo):
    years, blocks = switchers(text(get(client, "/rankings/2025/ubnd-cap-xa/")))
    assert blocks == [("Sở, ban, ngành", "/rankings/2025/so-ban-nganh/"), ("UBND cấp xã", None)]
    # The communes did not exist before 2025: the other years lead to their first block.
    assert years == [("2025", None), ("2019", "/rankings/2019/so-ban-nganh/"),
                     ("2018", "/rankings/2018/so-ban-nganh/")]
    years, blocks = switchers(text(get(client, "/rankings/2019/ubnd-huyen/")))
    assert blocks == [("Sở, ban, ngành", "/rankings/2019/so-ban-nganh/"), ("UBND cấp huyện", None)]
    assert years == [("2025", "/rankings/2025/so-ban-nganh/"), ("2019", None), ("2018", "/rankings/2018/ubnd-huyen/")]
    _years, blocks = switchers(text(get(client, "/criteria/2025/so-ban-nganh/")))
    assert [label for label, _address in blocks] == ["Sở, ban, ngành", "UBND cấp xã"]


@pytest.mark.parametrize("url", [
    "/rankings/2025/ubnd-huyen/", "/rankings/2019/ubnd-cap-xa/", "/rankings/2018/ubnd-cap-xa/",
    "/en/rankings/2025/ubnd-huyen/", "/criteria/2025/ubnd-huyen/", "/criteria/2019/ubnd-cap-xa/",
    "/rankings/2025/ubnd-huyen.csv", "/rankings/2019/ubnd-cap-xa.json",
])
def test_a_block_outside_its_years_has_no_page(client, demo, url):
    assert get(client, url).status_code == 404


def test_the_pages_of_blocks_inside_their_years_exist(client, demo):
    for url in ("/rankings/2025/ubnd-cap-xa/", "/rankings/2019/ubnd-huyen/", "/criteria/2025/ubnd-cap-xa/",
                "/rankings/2025/ubnd-cap-xa.json"):
        assert get(client, url).status_code == 200, url


def test_a_participant_in_a_block_that_does_not_exist_that_year_is_refused(demo):
    year = factories.evaluation_year(2026, published=False)
    commune = Agency.objects.get(slug="ubnd-phuong-pho-hien")
    districts, communes = AgencyGroup.objects.get(slug="ubnd-huyen"), AgencyGroup.objects.get(slug="ubnd-cap-xa")
    participant = Participant(year=year, agency=commune, block=districts, name=commune.name)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        participant.clean()
    assert refused.value.message_dict == {"block": ["Khối “UBND cấp huyện” không có trong năm 2026."]}
    Participant(year=year, agency=commune, block=communes, name=commune.name).clean()  # exists in 2026


def test_an_agency_takes_part_in_no_year_after_its_fate(demo):
    year = factories.evaluation_year(2026, published=False)
    van_lam = Agency.objects.get(slug="ubnd-huyen-van-lam")  # dissolved in 2025
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        Participant(year=year, agency=van_lam, block=AgencyGroup.objects.get(slug="ubnd-cap-xa"),
                    name=van_lam.name).clean()
    assert refused.value.message_dict["agency"][0].startswith("UBND huyện Văn Lâm không còn tồn tại trong năm 2026")


def test_a_participant_before_a_block_begins_is_refused_and_at_its_last_year_is_not(db):
    ended = factories.agency_group(name="Khối cũ", last_year=2024)
    begun = factories.agency_group(name="Khối mới", first_year=2025)
    agency = factories.agency(ended)
    y2024, y2025 = (factories.evaluation_year(n, published=False) for n in (2024, 2025))
    Participant(year=y2024, agency=agency, block=ended, name="A").clean()
    Participant(year=y2025, agency=agency, block=begun, name="A").clean()
    for year, block in [(y2025, ended), (y2024, begun)]:
        with pytest.raises(ValidationError) as refused:
            Participant(year=year, agency=agency, block=block, name="A").clean()
        assert "block" in refused.value.message_dict


# ---------------------------------------------------------------------------------------------------------------
# 4. Search


@pytest.mark.parametrize("query", ["tttt", "Sở TT&TT", "so tt&tt", "thong tin va truyen thong",
                                   "Sở Thông tin và Truyền thông", "SO THONG TIN"])
def test_the_search_finds_the_department_of_information_by_any_form_of_its_name(client, demo, query):
    with translation.override("vi"):
        results = results_section(text(get(client, "/search/", q=query)))
    assert re.findall(r'<strong>([^<]*)</strong>', results) == ["Sở Thông tin và Truyền thông"]
    assert re.findall(r'href="/agencies/so-thong-tin-va-truyen-thong/\?year=(\d+)">', results) == ["2019", "2018"]
    assert "2019</a>: Sở Thông tin và Truyền thông · Sở, ban, ngành" in results
    # and on to what it became
    assert ('Từ năm 2025 hợp nhất vào <a href="/agencies/so-khoa-hoc-va-cong-nghe/">Sở Khoa học và Công nghệ</a>.'
            in results)


@pytest.mark.parametrize(("query", "slug"), [
    ("van lam", "ubnd-huyen-van-lam"),  # without diacritics
    ("TP Hưng Yên", "ubnd-thanh-pho-hung-yen"),  # a short name only
    ("ttdl", "so-van-hoa-the-thao-va-du-lich"),  # an abbreviation in a short name
    ("nong nghiep va moi truong", "so-nong-nghiep-va-moi-truong"),  # a 2025 agency
    ("pho hien", "ubnd-phuong-pho-hien"),  # a commune
])
def test_the_search_finds_by_short_names_and_without_diacritics(client, demo, query, slug):
    results = results_section(text(get(client, "/search/", q=query)))
    assert re.findall(r'<a href="/agencies/([\w-]+)/"><strong>', results) == [slug]


def test_the_search_lists_the_years_blocks_and_fates(client, demo):
    with translation.override("vi"):
        results = results_section(text(get(client, "/search/", q="van lam")))
        merged = results_section(text(get(client, "/search/", q="ke hoach va dau tu")))
        finance = results_section(text(get(client, "/search/", q="tai chinh")))
    assert "2019</a>: UBND huyện Văn Lâm · UBND cấp huyện" in results and "Giải thể năm 2025." in results
    assert "Từ năm 2025 hợp nhất vào" in merged and 'href="/agencies/so-tai-chinh/"' in merged
    assert re.findall(r'href="/agencies/so-tai-chinh/\?year=(\d+)">', finance) == ["2025", "2019", "2018"]


def test_the_search_leaves_out_the_participations_of_unpublished_years(client, demo):
    draft = factories.evaluation_year(2026, published=False)
    finance = Agency.objects.get(slug="so-tai-chinh")
    Participant.objects.create(year=draft, agency=finance, block=finance.group, name="Sở Tài chính và Ngân sách")
    results = results_section(text(get(client, "/search/", q="tai chinh")))
    assert re.findall(r'href="/agencies/so-tai-chinh/\?year=(\d+)">', results) == ["2025", "2019", "2018"]
    assert "Ngân sách" not in results
    # A name only an unpublished year has finds nothing.
    nothing = results_section(text(get(client, "/search/", q="tai chinh va ngan sach")))
    assert "/agencies/" not in nothing


def test_an_empty_or_punctuation_only_search_lists_nothing(client, demo):
    for query in ("", "&&", " - "):
        page = text(get(client, "/search/", q=query))
        assert 'id="results"' not in page or "/agencies/" not in results_section(page)


def test_the_ranking_search_points_to_the_same_years_other_block(client, demo):
    with translation.override("vi"):
        page = text(get(client, "/rankings/2025/so-ban-nganh/", q="van giang"))
    assert ranking_rows(page) == {}
    status = page.split('role="status">', 1)[1].split("</p>", 1)[0]
    assert status.startswith("Ở khối khác trong năm:")
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a> \(([^)]*)\)', status) == [
        ("/rankings/2025/ubnd-cap-xa/?q=van%20giang", "UBND xã Văn Giang", "UBND cấp xã")]
    # 2019's district of that name is another year: not named here.
    assert "huyện Văn Giang" not in status
    page = text(get(client, "/rankings/2019/so-ban-nganh/", q="van giang"))
    status = page.split('role="status">', 1)[1].split("</p>", 1)[0]
    assert re.findall(r'<a href="([^"]*)">([^<]*)</a> \(', status) == [
        ("/rankings/2019/ubnd-huyen/?q=van%20giang", "UBND huyện Văn Giang")]


def test_the_ranking_search_names_no_other_block_when_the_agency_is_here(client, demo):
    page = text(get(client, "/rankings/2025/so-ban-nganh/", q="tai chinh"))
    assert list(ranking_rows(page)) == ["Tài chính"]
    assert 'role="status"' not in page
    # An agency of the past only: nothing this year, in any block.
    page = text(get(client, "/rankings/2025/so-ban-nganh/", q="van lam"))
    assert ranking_rows(page) == {} and 'role="status"' not in page


# ---------------------------------------------------------------------------------------------------------------
# 5. The demo


def demo_ranking(year_number, block_slug):
    published = PublishedYears()
    return block_ranking(published=published, year=published.get(year_number),
                         block=AgencyGroup.objects.get(slug=block_slug))


def test_2025_is_published_with_an_illustrative_note(client, demo):
    year = EvaluationYear.objects.get(year=2025)
    assert year.is_published and year.published_on == demo_data.PUBLISHED_2025
    assert "minh họa" in year.note
    assert PublishedYears().latest == year
    assert year.note in html.unescape(text(get(client, "/rankings/2025/so-ban-nganh/")))


def test_the_2025_department_ranking_after_the_mergers(client, demo):
    ranking = demo_ranking(2025, "so-ban-nganh")
    by_name = {s.name: s for s in ranking.standings}
    assert len(by_name) == 13 and ranking.max_total == 100 and ranking.previous_year.year == 2019
    finance = by_name["Sở Tài chính"]
    assert [(p["name"], p["kind"]) for p in finance.predecessors] == [("Sở Kế hoạch và Đầu tư", "merged")]
    assert finance.rank_change == 1 - finance.rank  # its own first place of 2019
    farming = by_name["Sở Nông nghiệp và Môi trường"]
    assert sorted((p["name"], p["kind"]) for p in farming.predecessors) == [
        ("Sở Nông nghiệp và Phát triển nông thôn", "formed"), ("Sở Tài nguyên và Môi trường", "formed")]
    assert farming.newly_formed and farming.rank_change is None and farming.rank is not None
    science = by_name["Sở Khoa học và Công nghệ"]
    assert science.rank_change == 14 - science.rank
    assert science.predecessors[0]["name"] == "Sở Thông tin và Truyền thông"
    # The absorbed departments are not ranked in 2025.
    assert not {"Sở Kế hoạch và Đầu tư", "Sở Thông tin và Truyền thông", "Sở Giao thông vận tải",
                "Sở Lao động - Thương binh và Xã hội"} & set(by_name)
    with translation.override("vi"):
        rows = ranking_rows(text(get(client, "/rankings/2025/so-ban-nganh/")))
    assert rows["Tài chính"][2] == "hợp nhất Sở Kế hoạch và Đầu tư"
    assert rows["Nông nghiệp và Môi trường"][2] == ("thành lập từ Sở Nông nghiệp và Phát triển nông thôn, "
                                                    "Sở Tài nguyên và Môi trường")
    assert "mới thành lập" in rows["Nông nghiệp và Môi trường"][3]


def test_the_demo_successions_are_the_declared_ones_and_every_district_is_dissolved(demo):
    recorded = {(s.kind, s.predecessor.name, s.successor.name if s.successor else None)
                for s in Succession.objects.select_related("predecessor", "successor")}
    districts = {(Kind.DISSOLVED, name, None) for name, *_rest in demo_data.AGENCIES[demo_data.DISTRICTS]}
    assert recorded == set(demo_data.SUCCESSIONS_2025) | districts
    assert set(Succession.objects.values_list("year", flat=True)) == {2025}
    for succession in Succession.objects.all():
        succession.full_clean()  # the demo passes its own rules


def test_the_communes_are_a_block_of_2025_only_and_the_districts_end_in_2024(demo):
    communes = demo_ranking(2025, "ubnd-cap-xa")
    assert len(communes.standings) == len(demo_data.AGENCIES_2025[demo_data.COMMUNES]) == 16
    assert all(s.rank_change is None for s in communes.standings)
    assert set(Participant.objects.filter(block__slug="ubnd-cap-xa").values_list("year__year", flat=True)) == {2025}
    assert set(Participant.objects.filter(block__slug="ubnd-huyen").values_list("year__year", flat=True)) == {
        2018, 2019}


def test_2018_and_2019_stay_as_published(client, demo):
    departments, districts = demo_ranking(2019, "so-ban-nganh"), demo_ranking(2019, "ubnd-huyen")
    first = {s.name: (s.rank, s.total) for s in departments.standings}
    assert first["Sở Tài chính"] == (1, Decimal("413"))
    assert first["Sở Thông tin và Truyền thông"] == (4, Decimal("410.5"))
    assert districts.standings[0].name == "UBND huyện Văn Lâm"
    assert (districts.standings[0].rank, districts.standings[0].total, districts.max_total) == (
        1, Decimal("119.34"), 150)
    for year_number, scaled in ((2019, False), (2018, True)):
        for slug, agencies in demo_data.AGENCIES.items():
            ranking = demo_ranking(year_number, slug)
            expected = {name: sum((Decimal(str(s)) * (Decimal(factor) if scaled else 1)).quantize(Decimal("0.01"))
                                  for s in scores) for name, _short, scores, factor in agencies}
            # Every agency of the time, under its name of the time, with its total, and nothing from 2025.
            assert {s.name: s.total for s in ranking.standings} == expected, (year_number, slug)
            assert all(s.predecessors == [] for s in ranking.standings)
    assert {s.name: s.rank_change for s in departments.standings}["Sở Thông tin và Truyền thông"] == -3
    page = text(get(client, "/rankings/2019/so-ban-nganh/"))
    rows = ranking_rows(page)
    assert rows["Tài chính"][0] == "1" and rows["Thông tin và Truyền thông"][0] == "4"
    assert "413" in page and "410,5" in page and "/500" in page
    districts_page = text(get(client, "/rankings/2019/ubnd-huyen/"))
    assert ranking_rows(districts_page)["Văn Lâm"][0] == "1" and "119,34" in districts_page


def test_2019_participants_carry_the_names_of_2019(demo):
    names = set(Participant.objects.filter(year__year=2019).values_list("name", flat=True))
    assert names == {name for agencies in demo_data.AGENCIES.values() for name, *_rest in agencies}
    assert Participant.objects.filter(year__year=2019).count() == 28
    assert not Participant.objects.filter(year__year=2019, name="Sở Nông nghiệp và Môi trường").exists()


def test_the_2025_framework_has_criteria_groups_of_its_own(demo):
    def codes(year_number, slug):
        return set(Criterion.objects.filter(year__year=year_number, agency_group__slug=slug)
                   .values_list("criteria_group__code", flat=True))

    assert codes(2019, "so-ban-nganh") == set(demo_data.GROUP_ORDER)
    assert codes(2025, "so-ban-nganh") == {code for code, *_names in demo_data.GROUPS_2025[demo_data.DEPARTMENTS]}
    assert codes(2025, "so-ban-nganh").isdisjoint(codes(2019, "so-ban-nganh"))
    assert codes(2025, "ubnd-cap-xa") == {code for code, *_names in demo_data.GROUPS_2025[demo_data.COMMUNES]}
    assert not codes(2025, "ubnd-huyen")
    assert [g.code for g in demo_ranking(2025, "so-ban-nganh").group_maxima] == [
        code for code, *_names in demo_data.GROUPS_2025[demo_data.DEPARTMENTS]]


def test_the_demo_agency_page_of_the_newly_formed_department(client, demo):
    with translation.override("vi"):
        page = text(get(client, "/agencies/so-nong-nghiep-va-moi-truong/"))
    rows = history_rows(page)
    assert rows[0][:2] == ("", "2025")
    forebears = [(year, cells[0]) for css, year, cells in rows if css == "forebear"]
    assert forebears == [("2019", "320/500 (kết quả của Sở Nông nghiệp và Phát triển nông thôn)"),
                         ("2019", "382,5/500 (kết quả của Sở Tài nguyên và Môi trường)"),
                         ("2018", "304/500 (kết quả của Sở Nông nghiệp và Phát triển nông thôn)"),
                         ("2018", "344,25/500 (kết quả của Sở Tài nguyên và Môi trường)")]
    assert len(re.findall(r'class="chart-forebear', history_chart(page))) == 4


def test_the_demo_chart_draws_the_forebears_results_in_their_own_years(client, demo):
    chart = history_chart(text(get(client, "/agencies/so-nong-nghiep-va-moi-truong/")))
    labels = re.findall(r'class="chart-axis" text-anchor="middle">(\d{4})</text>', chart)
    assert labels == ["2018", "2019", "2025"]


def test_the_demo_pages_of_the_reorganised_agencies_answer(client, demo):
    for succession in Succession.objects.select_related("predecessor", "successor"):
        for agency in filter(None, (succession.predecessor, succession.successor)):
            assert get(client, f"/agencies/{agency.slug}/").status_code == 200, agency.slug


# ---------------------------------------------------------------------------------------------------------------
# 6. Imports read the names of the year


@pytest.fixture
def renamed_block(db):
    """A block in 2024 (under appraisal) where Sở Mới took part as Sở Cũ, and Sở Khác under its own name."""
    block = factories.agency_group(name="Khối nhập", slug="khoi-nhap")
    year = appraisal_year(2024, block)
    agency = factories.agency(block, name="Sở Mới", short_name="Mới")
    other = factories.agency(block, name="Sở Khác")
    factories.participant(year, agency, name="Sở Cũ", short_name="Cũ")
    factories.participant(year, other)
    return SimpleNamespace(block=block, year=year, agency=agency, other=other)


def test_the_agency_matcher_knows_the_names_of_the_year(renamed_block):
    b = renamed_block
    matcher = AgencyMatcher(b.year, b.block)
    for name in ("Sở Cũ", "so cu", "Sở Mới", "Mới", "so-moi"):
        assert matcher.match(name) == (b.agency, None), name
    assert matcher.match("Sở Khác")[0] == b.other


def test_a_name_of_another_year_is_not_matched(renamed_block):
    b = renamed_block
    next_year = factories.evaluation_year(2025, status=APPRAISAL)
    agency, problem = AgencyMatcher(next_year, b.block).match("Sở Cũ")
    assert agency is None and problem is not None
    assert AgencyMatcher(next_year, b.block).match("Sở Mới")[0] == b.agency


def test_an_imported_sheet_scores_the_agency_named_as_it_was_that_year(renamed_block):
    b = renamed_block
    content = sheets.xlsx([["Tên cơ quan", "1"], ["Sở Cũ", 40], ["Sở Khác", "12,5"]])
    outcome = apply_import(content=content, filename="diem-2024.xlsx", year=b.year, agency_group=b.block, user=None)
    assert outcome.created == 2
    assert Score.objects.get(agency=b.agency, criterion__year=b.year).value == 40
    assert Score.objects.get(agency=b.other, criterion__year=b.year).value == Decimal("12.5")
    # Still one participation each, under the name of the time.
    assert list(Participant.objects.filter(agency=b.agency).values_list("name", flat=True)) == ["Sở Cũ"]


def test_an_imported_sheet_refuses_a_name_the_agency_did_not_have_that_year(renamed_block):
    b = renamed_block
    year = appraisal_year(2025, b.block)
    with translation.override("vi"), pytest.raises(SheetError) as refused:
        apply_import(content=sheets.xlsx([["Tên cơ quan", "1"], ["Sở Cũ", 40]]), filename="diem-2025.xlsx",
                     year=year, agency_group=b.block, user=None)
    assert "Sở Cũ" in str(refused.value)
    assert not Score.objects.filter(criterion__year=year).exists()


def test_the_score_sheet_lists_the_participants_of_the_year_under_their_names(renamed_block):
    b = renamed_block
    moved = factories.agency(factories.agency_group(name="Khối khác"), name="Sở Chuyển khối")
    factories.participant(b.year, moved, block=b.block)  # in this block that year, in another one now
    elsewhere = factories.agency(factories.agency_group(name="Khối thứ ba"), name="Sở Khối khác")
    factories.participant(b.year, elsewhere)
    _title, rows = score_sheet(b.year, b.block)
    assert rows[0][:3] == ["STT", "Tên cơ quan", "1"]
    # In alphabetical order of the names of the time (the short name “Cũ” first).
    assert [row[1] for row in rows[3:]] == ["Sở Cũ", "Sở Chuyển khối", "Sở Khác"]


def test_the_demo_score_sheet_of_2025_lists_its_departments(demo):
    year, block = EvaluationYear.objects.get(year=2025), AgencyGroup.objects.get(slug="so-ban-nganh")
    title, rows = score_sheet(year, block)
    assert "2025" in title
    names = [row[1] for row in rows[3:]]
    assert sorted(names) == sorted(Participant.objects.filter(year=year, block=block).values_list("name", flat=True))
    assert len(names) == 13 and "Sở Thông tin và Truyền thông" not in names
    # The 2025 framework's criteria, computed ones by their figures.
    assert rows[0][1:] == ["Tên cơ quan", "1.1 số liệu", "1.2", "2.1", "2.2 số liệu", "2.2 tổng số", "3.1",
                           "3.2 số liệu", "4.1", "4.2 số liệu", "5.1 số liệu", "5.1 tổng số", "6.1 số liệu",
                           "6.1 tổng số", "6.2 số liệu", "Tổng điểm"]


def test_the_demo_score_sheet_of_2019_lists_the_2019_departments_only(demo):
    year, block = EvaluationYear.objects.get(year=2019), AgencyGroup.objects.get(slug="so-ban-nganh")
    names = [row[1] for row in score_sheet(year, block)[1][3:]]
    assert sorted(names) == sorted(Participant.objects.filter(year=year, block=block).values_list("name", flat=True))


# ---------------------------------------------------------------------------------------------------------------
# An agency that moved from a block that ended to one that began


def test_the_agency_page_links_a_years_result_to_that_years_block(client, db):
    districts = factories.agency_group(name="Huyện", slug="huyen", last_year=2024)
    communes = factories.agency_group(name="Xã", slug="xa", first_year=2025)
    y2024, y2025 = appraisal_year(2024, districts), appraisal_year(2025, communes)
    moved = factories.agency(communes, name="UBND phường Mỹ Hào")
    factories.participant(y2024, moved, block=districts, name="UBND thị xã Mỹ Hào")
    give(y2024, moved, 70)
    give(y2025, moved, 80)
    publish(y2024, y2025)
    page = text(get(client, "/agencies/ubnd-phuong-my-hao/", year="2024"))
    link = re.search(r'<a href="([^"]*)">Xem toàn bộ bảng xếp hạng</a>', page).group(1)
    assert get(client, link).status_code == 200, link
    assert link == "/rankings/2024/huyen/"


def test_an_agency_that_moved_block_keeps_each_years_result_in_that_years_block(client, db):
    districts = factories.agency_group(name="Huyện", slug="huyen", last_year=2024)
    communes = factories.agency_group(name="Xã", slug="xa", first_year=2025)
    y2024, y2025 = appraisal_year(2024, districts), appraisal_year(2025, communes)
    moved = factories.agency(communes, name="UBND phường Mỹ Hào")
    factories.participant(y2024, moved, block=districts, name="UBND thị xã Mỹ Hào")
    give(y2024, moved, 70)
    give(y2025, moved, 80)
    publish(y2024, y2025)
    assert ranking_rows(text(get(client, "/rankings/2024/huyen/"))) == {
        "UBND thị xã Mỹ Hào": ("1", "/agencies/ubnd-phuong-my-hao/?year=2024", "", '<span class="change change-new">'
                                                                                 "mới</span>")}
    assert list(ranking_rows(text(get(client, "/rankings/2025/xa/")))) == ["UBND phường Mỹ Hào"]
    with translation.override("vi"):
        page = text(get(client, "/agencies/ubnd-phuong-my-hao/"))
    assert history_rows(page) == [("", "2025", ["80/100", "80 %", "1/1"]), ("", "2024", ["70/100", "70 %", "1/1"])]
    assert "Năm 2024 mang tên UBND thị xã Mỹ Hào." in text(get(client, "/agencies/ubnd-phuong-my-hao/",
                                                                year="2024"))


# ---------------------------------------------------------------------------------------------------------------
# 7. Queries stay constant with the lineage


def queries(client, url):
    cache.clear()  # the page as it is built, not a cached copy
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_pages_run_the_same_number_of_queries_with_2_and_20_successions(client, db):
    block = factories.agency_group(name="Khối đếm", slug="khoi-dem")
    y2024, y2025 = appraisal_year(2024, block), appraisal_year(2025, block)
    merged = factories.agency(block, name="Sở Hợp nhất")
    formed = factories.agency(block, name="Sở Thành lập")
    forebears = [factories.agency(block, name=f"Sở Tiền thân {n}") for n in range(1, 21)]
    give(y2024, merged, 50)
    for n, agency in enumerate(forebears, start=1):
        give(y2024, agency, n)
    give(y2025, merged, 90)
    give(y2025, formed, 80)
    publish(y2024, y2025)
    urls = ["/agencies/so-hop-nhat/", "/agencies/so-hop-nhat/?year=2025", "/agencies/so-thanh-lap/",
            "/rankings/2025/khoi-dem/", "/rankings/2025/khoi-dem/?q=hop+nhat", "/rankings/2025/khoi-dem.json",
            "/rankings/2025/khoi-dem.csv", "/search/?q=tien+than", "/"]

    succeed(Kind.MERGED, forebears[0], merged)
    succeed(Kind.FORMED, forebears[10], formed)
    two = {url: queries(client, url) for url in urls}
    for agency in forebears[1:10]:
        succeed(Kind.MERGED, agency, merged)
    for agency in forebears[11:]:
        succeed(Kind.FORMED, agency, formed)
    assert Succession.objects.count() == 20
    twenty = {url: queries(client, url) for url in urls}
    assert twenty == two
    # The pages counted do show the twenty successions.
    with translation.override("vi"):
        [note] = re.findall(r'<p class="lineage-note">(.*?)</p>', text(get(client, "/agencies/so-hop-nhat/")))
        assert note.count('href="/agencies/so-tien-than-') == 10
        assert len([r for r in history_rows(text(get(client, "/agencies/so-thanh-lap/"))) if r[0] == "forebear"]) == 10
        lineage = ranking_rows(text(get(client, "/rankings/2025/khoi-dem/")))["Sở Hợp nhất"][2]
    assert lineage.count("Sở Tiền thân") == 10
    first = json.loads(get(client, "/rankings/2025/khoi-dem.json").content)["results"][0]
    assert first["agency"]["slug"] == "so-hop-nhat" and len(first["predecessors"]) == 10


def test_the_demo_pages_with_successions_stay_within_a_small_number_of_queries(client, demo):
    for url in ("/agencies/so-tai-chinh/", "/agencies/so-nong-nghiep-va-moi-truong/", "/rankings/2025/so-ban-nganh/",
                "/search/?q=tttt"):
        assert queries(client, url) <= 20, url
