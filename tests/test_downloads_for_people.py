"""Issue 17's downloads: a Vietnamese workbook for people, every published year of a block, an agency's history,
every criterion's score, and the open-data page that documents them; each checked against the ranking query."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from agencies.models import Agency, AgencyGroup
from common.numbers import points
from common.spreadsheets import CONTENT_TYPES
from criteria.models import Criterion
from public import downloads
from rankings.demo_data import NOTE_2018, NOTE_2019, NOTE_2025
from rankings.models import Score
from rankings.selectors import PublishedYears, block_ranking
from tests import factories
from tests.test_query_counts import LATEST, grow, queries_per_page

pytestmark = pytest.mark.django_db

SOURCE = ("Scores are set by the province's department in charge (the Department of Information and Communications "
          "until 2025, the Department of Science and Technology since) after appraising each agency's "
          "self-assessment. Totals, percentages and ranks are computed from the published scores.")
FORMED = "so-nong-nghiep-va-moi-truong"  # formed in 2025 from two departments
FORMED_FROM = {"so-nong-nghiep-va-phat-trien-nong-thon", "so-tai-nguyen-va-moi-truong"}


def ranking_of(year, slug):
    published = PublishedYears()
    return block_ranking(published=published, year=published.get(year), block=AgencyGroup.objects.get(slug=slug))


def workbook(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == CONTENT_TYPES["xlsx"]
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def table(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_table(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def with_max(name, maximum):
    return f"{name} (tối đa {points(maximum)})"


def vietnamese(text):
    with translation.override("vi"):
        return str(translation.gettext(text))


def test_the_xlsx_is_a_vietnamese_workbook_with_the_rankings_numbers_formatted(client, demo):
    ranking = ranking_of(2019, "so-ban-nganh")
    book = workbook(client, "/rankings/2019/so-ban-nganh.xlsx")
    assert book.sheetnames == ["Xếp hạng 2019", "Điểm từng tiêu chí", "Thông tin về số liệu"]
    sheet = book["Xếp hạng 2019"]
    rows = table(sheet)
    groups = [with_max(g.criteria_group.name, g.maximum) for g in ranking.group_maxima]
    # Nothing excluded in 2019: the total is the points, and the page's columns of the decisions are left out.
    assert rows[0] == ["Hạng", "Thay đổi thứ hạng", "Cơ quan", "Tổng điểm (tối đa 500)", "Tỷ lệ thực hiện", "Xếp loại",
                       *groups, "Ghi chú", "Mã cơ quan"]
    assert len(groups) == 5 and all(re.search(r"\(tối đa \d+\)$", header) for header in groups)
    for row, s in zip(rows[1:], ranking.standings, strict=True):
        assert row[:3] == [s.rank, s.rank_change, s.name]
        assert Decimal(str(row[3])) == s.total
        assert row[4] == pytest.approx(float(s.percent) / 100)
        assert row[5] == s.band.name
        assert [Decimal(str(v)) for v in row[6:11]] == [s.groups[g.code] for g in ranking.group_maxima]
        assert row[11:] == [None, s.slug]
    assert rows[1][:5] == [1, 2, "Sở Tài chính", 413, 0.826]
    assert rows[4][3] == 410.5

    assert sheet.freeze_panes == "D2"  # the header row, and rank, change and agency while scrolling sideways
    assert sheet.auto_filter.ref == f"A1:M{len(rows)}"
    assert all(cell.font.b for cell in sheet[1])
    assert [cell.number_format for cell in sheet[2]][:7] == ["0", "+0;-0;0", "General", "#,##0.00", "0.00%",
                                                            "General", "#,##0.00"]


def test_the_workbook_has_every_criterions_score_as_stored(client, demo):
    ranking = ranking_of(2019, "so-ban-nganh")
    criteria = list(Criterion.objects.scorable().filter(year__year=2019, agency_group__slug="so-ban-nganh")
                    .order_by("criteria_group__order", "order", "code"))
    stored = {(s.agency.slug, s.criterion_id): s.value for s in Score.objects.filter(
        criterion__in=criteria).select_related("agency")}
    sheet = workbook(client, "/rankings/2019/so-ban-nganh.xlsx")["Điểm từng tiêu chí"]
    rows = table(sheet)
    assert rows[0] == ["Hạng", "Cơ quan", *(with_max(f"{c.code} {c.name}", c.max_points) for c in criteria)]
    assert "2.1.1 Văn bản đi, đến được xử lý trên hệ thống (tối đa 20)" in rows[0]
    assert not any(header.startswith("2.1 ") for header in rows[0])  # it has sub-criteria: they are scored
    for row, s in zip(rows[1:], ranking.standings, strict=True):
        assert row[:2] == [s.rank, s.name]
        assert [Decimal(str(v)) for v in row[2:]] == [stored[s.slug, c.pk] for c in criteria]
        assert sum(Decimal(str(v)) for v in row[2:]) == s.points
    assert sheet.freeze_panes == "C2"
    assert {cell.number_format for cell in sheet[2][2:]} == {"#,##0.00"}


def test_a_year_with_criteria_that_do_not_apply_has_the_decisions_columns_and_says_so(client, demo):
    ranking = ranking_of(2025, "so-ban-nganh")
    assert ranking.has_exclusions
    book = workbook(client, "/rankings/2025/so-ban-nganh.xlsx")
    rows = table(book["Xếp hạng 2025"])
    assert rows[0][3] == "Số điểm quy đổi (tối đa 100)"
    assert rows[0][-5:] == ["Số điểm thực hiện", "Số điểm không đưa vào đánh giá (tiêu chí không áp dụng)",
                            "Số điểm tối đa cần thực hiện", "Ghi chú", "Mã cơ quan"]
    for row, s in zip(rows[1:], ranking.standings, strict=True):
        assert [Decimal(str(v)) for v in row[-5:-2]] == [s.points, s.excluded, s.applicable_max]
        assert Decimal(str(row[3])) == s.total
    by_slug = {row[-1]: row for row in rows[1:]}
    inspectorate = by_slug["thanh-tra-tinh"]
    assert inspectorate[-4] > 0 and inspectorate[-3] == 100 - inspectorate[-4]
    assert by_slug["so-tai-chinh"][-2] == "hợp nhất Sở Kế hoạch và Đầu tư"
    assert by_slug[FORMED][1] is None  # newly formed: no change in rank
    assert by_slug[FORMED][-2].startswith("thành lập từ ")

    scores = table(book["Điểm từng tiêu chí"])
    column = next(n for n, header in enumerate(scores[0]) if header.startswith("6.1 "))
    assert {row[1]: row[column] for row in scores[1:]}["Thanh tra tỉnh"] == "Không áp dụng"


def test_the_workbook_says_where_the_data_comes_from_and_copies_the_years_note(client, demo, settings):
    settings.SITE_URL = "https://xephang.example.vn"
    about = table(workbook(client, "/rankings/2019/so-ban-nganh.xlsx")["Thông tin về số liệu"])
    assert about[0] == ["Năm", "Mục", "Nội dung"]
    items = {(year, item): text for year, item, text in about[1:]}
    assert items[2019, "Ghi chú của năm"] == NOTE_2019
    assert "số liệu minh họa" in NOTE_2019
    assert items[2019, "Khối"] == "Sở, ban, ngành"
    assert items[2019, "Ngày công bố"] == "20/05/2020"
    assert items[2019, "Quyết định phê duyệt kết quả"] == "không được ghi nhận"
    assert "2018" in items[2019, "Thay đổi thứ hạng"]
    assert items[2019, "Tối đa"].startswith("Tổng điểm (tối đa 500); ")
    assert items[2019, "Trang xếp hạng"] == "https://xephang.example.vn/rankings/2019/so-ban-nganh/"
    assert items[None, "Nguồn số liệu"] == vietnamese(SOURCE)
    assert items[None, "Dữ liệu mở"].startswith("https://xephang.example.vn/open-data/: ")

    about = {(year, item): text for year, item, text in table(
        workbook(client, "/rankings/2025/ubnd-cap-xa.xlsx")["Thông tin về số liệu"])[1:]}
    assert about[2025, "Quyết định phê duyệt kết quả"] == "số 768/QĐ-UBND ngày 08/04/2026"
    assert about[2025, "Ghi chú của năm"] == NOTE_2025
    assert about[2025, "Thay đổi thứ hạng"] == (
        "Số bậc tăng (+) hoặc giảm (−) so với năm 2019; để trống khi năm đó cơ quan không được xếp hạng, hoặc mới "
        "được thành lập hay chia tách từ đó đến nay.")


def test_the_workbook_is_in_vietnamese_for_an_english_reader_too(client, demo):
    assert client.get("/en/open-data/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    cache.clear()
    book = workbook(client, "/rankings/2019/so-ban-nganh.xlsx")
    assert book.active.title == "Xếp hạng 2019" and book.active["A1"].value == "Hạng"


def test_every_published_year_of_a_block_in_one_workbook_and_one_csv(client, demo):
    draft = factories.evaluation_year(2026, published=False)  # never in the files
    factories.score(Agency.objects.get(slug="so-tai-chinh"), factories.criterion(draft, AgencyGroup.objects.get(
        slug="so-ban-nganh"), "1", 10), 5)
    book = workbook(client, "/rankings/so-ban-nganh.xlsx")
    assert book.sheetnames == ["Xếp hạng 2025", "Xếp hạng 2019", "Xếp hạng 2018", "Thông tin về số liệu"]
    for year in (2025, 2019, 2018):
        ranking = ranking_of(year, "so-ban-nganh")
        rows = table(book[f"Xếp hạng {year}"])
        assert [row[:3] for row in rows[1:]] == [[s.rank, s.rank_change, s.name] for s in ranking.standings]
        assert [Decimal(str(row[3])) for row in rows[1:]] == [s.total for s in ranking.standings]
        assert book[f"Xếp hạng {year}"].freeze_panes == "D2"
    notes = {(year, item): text for year, item, text in table(book["Thông tin về số liệu"])[1:]}
    assert [notes[year, "Ghi chú của năm"] for year in (2025, 2019, 2018)] == [NOTE_2025, NOTE_2019, NOTE_2018]
    # The districts ended in 2024, the communes began in 2025: each file has its block's own years.
    assert workbook(client, "/rankings/ubnd-huyen.xlsx").sheetnames == ["Xếp hạng 2019", "Xếp hạng 2018",
                                                                        "Thông tin về số liệu"]
    assert workbook(client, "/rankings/ubnd-cap-xa.xlsx").sheetnames == ["Xếp hạng 2025", "Thông tin về số liệu"]

    rows = csv_table(client, "/rankings/so-ban-nganh.csv")
    codes_2025 = [g.code for g in ranking_of(2025, "so-ban-nganh").group_maxima]
    codes_2019 = [g.code for g in ranking_of(2019, "so-ban-nganh").group_maxima]
    one_year = csv_table(client, "/rankings/2019/so-ban-nganh.csv")[0]
    assert rows[0] == ["year", "published_on", "block", *one_year[:14], *codes_2025, *codes_2019]
    expected = []
    for year, published_on, codes in ((2025, "2026-04-10", codes_2025), (2019, "2020-05-20", codes_2019),
                                      (2018, "2019-05-15", codes_2019)):
        for line in csv_table(client, f"/rankings/{year}/so-ban-nganh.csv")[1:]:
            groups = dict(zip(codes, line[14:], strict=True))
            expected.append([str(year), published_on, "so-ban-nganh", *line[:14],
                             *(groups.get(code, "") for code in codes_2025 + codes_2019)])
    assert rows[1:] == expected


def test_an_agencys_history_has_every_published_year_with_its_predecessors_marked(client, demo):
    rows = csv_table(client, "/agencies/so-tai-chinh.csv")
    assert [row[:3] for row in rows[1:]] == [["2025", "2026-04-10", "so-ban-nganh"], ["2019", "2020-05-20",
                                             "so-ban-nganh"], ["2018", "2019-05-15", "so-ban-nganh"]]
    block_rows = {(row[0], row[6]): row for row in csv_table(client, "/rankings/so-ban-nganh.csv")[1:]}
    assert rows[0] == csv_table(client, "/rankings/so-ban-nganh.csv")[0]
    assert rows[1:] == [block_rows[row[0], "so-tai-chinh"] for row in rows[1:]]
    assert rows[2][3:6] == ["1", "2", "Sở Tài chính"]

    formed = csv_table(client, f"/agencies/{FORMED}.csv")
    assert [(row[0], row[6]) for row in formed[1:]] == [
        ("2025", FORMED), *((year, slug) for year in ("2019", "2018") for slug in sorted(
            FORMED_FROM, key=lambda slug: Agency.objects.get(slug=slug).sort_key))]

    book = workbook(client, f"/agencies/{FORMED}.xlsx")
    assert book.sheetnames == ["Lịch sử", "Nhóm tiêu chí", "Thông tin về số liệu"]
    history = table(book["Lịch sử"])
    assert history[0] == ["Năm", "Khối", "Cơ quan", "Hạng", "Số cơ quan được xếp hạng", "Thay đổi thứ hạng",
                          "Số điểm quy đổi", "Tối đa", "Tỷ lệ thực hiện", "Xếp loại", "Số điểm thực hiện",
                          "Số điểm không đưa vào đánh giá (tiêu chí không áp dụng)", "Số điểm tối đa cần thực hiện",
                          "Ghi chú", "Mã cơ quan"]
    assert book["Lịch sử"].freeze_panes == "D2"
    assert [row[-1] for row in history[1:]] == [row[6] for row in formed[1:]]
    for row in history[1:]:
        ranking = ranking_of(row[0], "so-ban-nganh")
        s = next(s for s in ranking.standings if s.slug == row[-1])
        assert row[2:6] == [s.name, s.rank, len(ranking.ranked), s.rank_change]
        assert [Decimal(str(v)) for v in row[6:8]] == [s.total, ranking.max_total]
        assert row[8] == pytest.approx(float(s.percent) / 100)
        assert (row[-2] or "").startswith("Kết quả của cơ quan tiền thân") == (row[-1] != FORMED)
    groups = table(book["Nhóm tiêu chí"])
    assert groups[0] == ["Năm", "Cơ quan", "Nhóm tiêu chí", "Điểm", "Tối đa",
                         "Số điểm không đưa vào đánh giá (tiêu chí không áp dụng)", "Tỷ lệ thực hiện",
                         "Trung bình khối"]
    ranking = ranking_of(2025, "so-ban-nganh")
    s, average = next(s for s in ranking.standings if s.slug == FORMED), ranking.average()
    assert [row[2:] for row in groups[1:] if row[0] == 2025] == [
        [g.criteria_group.name, float(s.groups[g.code]), float(g.maximum), float(s.group_excluded[g.code]),
         pytest.approx(float(ranking.group_percents(s)[g.code]) / 100), float(average["groups"][g.code])]
        for g in ranking.group_maxima]
    assert len(groups) - 1 == len(ranking.group_maxima) + 4 * 5  # 2025's groups, then two forebears in two years


def test_every_criterions_score_as_csv(client, demo):
    ranking = ranking_of(2025, "so-ban-nganh")
    criteria = list(Criterion.objects.scorable().filter(year__year=2025, agency_group__slug="so-ban-nganh")
                    .select_related("criteria_group").order_by("criteria_group__order", "order", "code"))
    stored = {(s.agency.slug, s.criterion_id): s for s in Score.objects.filter(criterion__in=criteria)
              .select_related("agency")}
    rows = csv_table(client, "/scores/2025/so-ban-nganh.csv")
    assert rows[0] == ["year", "block", "agency", "agency_slug", "criteria_group", "criterion_code", "parent_code",
                       "criterion", "max_points", "points", "not_applicable"]
    expected = []
    for s in ranking.standings:
        for c in criteria:
            score = stored.get((s.slug, c.pk))
            expected.append(["2025", "so-ban-nganh", s.name, s.slug, c.criteria_group.code, c.code, "", c.name,
                             str(c.max_points), str(score.value) if score and score.value is not None else "",
                             "true" if score and score.not_applicable else "false"])
    assert rows[1:] == expected
    assert ["Thanh tra tỉnh", "6.1", "", "true"] in [[row[2], row[5], row[9], row[10]] for row in rows]
    # The scores of an agency add up to its points in the ranking.
    for s in ranking.standings:
        assert sum(Decimal(row[9]) for row in rows[1:] if row[3] == s.slug and row[9]) == s.points

    parents = {row[5]: row[6] for row in csv_table(client, "/scores/2019/so-ban-nganh.csv")[1:]}
    assert parents["2.1.1"] == "2.1" and parents["1.1"] == "" and "2.1" not in parents


@pytest.mark.parametrize("url", [
    "/scores/2026/so-ban-nganh.csv",  # a draft year
    "/scores/2017/so-ban-nganh.csv",  # no such year
    "/scores/2025/ubnd-huyen.csv",  # the districts ended in 2024
    "/scores/2019/khong-co.csv",
    "/scores/2019/so-ban-nganh.xlsx",
    "/rankings/khong-co.csv",
    "/rankings/so-ban-nganh.json",
    "/agencies/so-tai-chinh.json",
    "/agencies/khong-co.csv",
    "/agencies/co-quan-moi.csv",  # scored in the draft year only
    "/agencies/co-quan-moi.xlsx",
])
def test_nothing_unpublished_is_served(client, demo, url):
    draft = factories.evaluation_year(2026, published=False)
    block = AgencyGroup.objects.get(slug="so-ban-nganh")
    factories.score(factories.agency(block, name="Cơ quan mới", slug="co-quan-moi"),
                    factories.criterion(draft, block, "1", 10), 5)
    assert client.get(url).status_code == 404


def test_a_block_none_of_whose_years_is_published_has_no_file(client):
    group = factories.agency_group(slug="khoi")
    year = factories.evaluation_year(2021, published=False)
    factories.score(factories.agency(group, slug="co-quan"), factories.criterion(year, group, "1", 5), 1)
    for url in ["/rankings/khoi.csv", "/rankings/khoi.xlsx", "/agencies/co-quan.csv", "/scores/2021/khoi.csv"]:
        assert client.get(url).status_code == 404, url


def test_the_new_files_neutralise_cells_that_a_spreadsheet_would_run(client):
    group = factories.agency_group(slug="khoi")
    year = factories.evaluation_year(2021)
    agency = factories.agency(group, name="=HYPERLINK(\"http://x\")", slug="ke-gian")
    factories.score(agency, factories.criterion(year, group, "1", 5, name="+1+1"), 1)
    payload = "'=HYPERLINK(\"http://x\")"
    assert csv_table(client, "/rankings/khoi.csv")[1][5] == payload
    assert csv_table(client, "/agencies/ke-gian.csv")[1][5] == payload
    assert csv_table(client, "/scores/2021/khoi.csv")[1][2::5] == [payload, "'+1+1"]
    for url in ["/rankings/khoi.xlsx", "/agencies/ke-gian.xlsx", "/rankings/2021/khoi.xlsx"]:
        book = workbook(client, url)
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        assert payload in [cell.value for cell in cells], url
        assert not [cell for cell in cells if cell.data_type == "f"], url


def test_the_open_data_page_documents_every_field_in_the_readers_language(client, demo):
    fields = [*downloads.RANKING_FIELDS, downloads.GROUP_FIELD, *downloads.HISTORY_FIELDS,
              downloads.HISTORY_GROUP_FIELD, *downloads.SCORE_FIELDS, *downloads.JSON_FIELDS]
    headers = [header for sheets in downloads.XLSX_SHEETS.values() for _title, columns in sheets
               for header, _meaning in columns]
    for prefix, language, title in [("", "vi", "Dữ liệu mở"), ("/en", "en", "Open data")]:
        response = client.get(f"{prefix}/open-data/")
        assert response.status_code == 200
        page = response.content.decode()
        assert f"<h1>{title}</h1>" in page
        with translation.override(language):
            for code, meaning in fields:
                assert f"<code>{escape(code)}</code>" in page
                assert escape(str(meaning)) in page, (language, code)
            with translation.override("vi"):
                written = [escape(str(header)) for header in headers]
            assert all(header in page for header in written)
        assert "Tỷ lệ thực hiện" in page  # the workbook's own header, in both languages
        assert ("(Percent achieved)" in page) == (language == "en")
        # Every download it links to is there.
        links = set(re.findall(r'href="(/(?:rankings|agencies|scores)/[^"]+\.(?:csv|xlsx|json))"', page))
        assert {"/rankings/2025/so-ban-nganh.xlsx", "/rankings/ubnd-cap-xa.csv",
                "/scores/2025/ubnd-cap-xa.csv"} <= links
        assert {link for link in links if link.startswith("/agencies/")}
        for link in links:
            assert client.get(link).status_code == 200, link


def test_the_ranking_page_and_the_footer_link_to_the_files_and_the_open_data_page(client, demo):
    page = client.get("/rankings/2019/ubnd-huyen/").content.decode()
    for link in ["/rankings/2019/ubnd-huyen.xlsx", "/scores/2019/ubnd-huyen.csv", "/rankings/ubnd-huyen.xlsx",
                 "/open-data/"]:
        assert f'href="{link}"' in page
    # One link named CSV, the year's (a reader and the browser test pick it by that name).
    assert len(re.findall(r">[^<]*CSV[^<]*</a>", page)) == 1
    assert 'href="/en/open-data/"' in client.get("/en/rankings/2019/ubnd-huyen/").content.decode()
    assert 'href="/open-data/"' in client.get("/").content.decode()  # the footer, on every page


NEW_DOWNLOADS = [
    "/rankings/khoi-1.csv",
    "/rankings/khoi-1.xlsx",
    "/agencies/co-quan-1-2.csv",
    "/agencies/co-quan-1-2.xlsx",
    f"/scores/{LATEST}/khoi-1.csv",
    f"/rankings/{LATEST}/khoi-1.xlsx",  # the workbook now reads every criterion's score too
    "/open-data/",
    "/en/open-data/",
]


def test_the_new_downloads_run_the_same_number_of_queries_at_two_sizes(client):
    grow(blocks=1, agencies=2, years=1, criteria=2)
    small = queries_per_page(client, NEW_DOWNLOADS)
    grow(blocks=3, agencies=40, years=10, criteria=12)
    large = queries_per_page(client, NEW_DOWNLOADS)
    assert large == small
    assert all(0 < count <= 16 for count in small.values()), small
    assert len(csv_table(client, "/rankings/khoi-1.csv")) == 1 + 40 * 10
    for url in NEW_DOWNLOADS:  # and served from the cache the second time
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert len(captured) == 0, url
