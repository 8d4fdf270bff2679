"""The public pages, through the test client, on the Hưng Yên demo and on small made-up blocks."""

import re

import pytest

from agencies.models import Agency
from criteria.models import EvaluationYear
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/rankings/2019/so-ban-nganh/",
    "/rankings/2018/ubnd-huyen/",
    "/agencies/so-tai-chinh/",
    "/criteria/2019/ubnd-huyen/",
    "/compare/?year=2019&agencies=so-tai-chinh,so-xay-dung",
]


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def table_rows(response):
    """(rank, agency) of each row of the ranking table, in page order."""
    body = text(response).split('id="ranking"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="col-rank">(\d+)</td> ?<td class="col-agency"><a [^>]*>([^<]+)</a>', body)


def test_home_shows_the_leaders_of_both_blocks(client, demo):
    page = text(client.get("/"))  # the newest year, 2025: the departments after the merger, and the communes
    assert "Sở Khoa học và Công nghệ" in page and "93,96/100" in page
    assert "UBND phường Phố Hiến" in page and 'id="block-ubnd-huyen"' not in page
    # Earlier years, each with its own blocks: the districts until 2019, the communes only from 2025.
    assert 'href="/rankings/2019/so-ban-nganh/"' in page and 'href="/rankings/2018/ubnd-huyen/"' in page
    assert 'href="/rankings/2019/ubnd-cap-xa/"' not in page


def test_the_ranking_lists_agencies_by_official_rank_with_ties_in_vietnamese_order(client, demo):
    rows = table_rows(client.get("/rankings/2019/so-ban-nganh/"))
    assert rows[:4] == [("1", "Tài chính"), ("2", "Xây dựng"), ("3", "Giao thông vận tải"),
                        ("4", "Thông tin và Truyền thông")]
    assert ("7", "Nội vụ") in rows and ("7", "Tư pháp") in rows
    assert rows.index(("7", "Nội vụ")) + 1 == rows.index(("7", "Tư pháp"))
    assert rows[8] == ("9", "Công Thương")


def test_the_ranking_shows_totals_with_a_decimal_comma_percent_band_and_block_average(client, demo):
    page = text(client.get("/rankings/2019/ubnd-huyen/"))
    assert "119,34" in page and "79,56&nbsp;%" in page and "Rất cao" in page
    assert "Trung bình khối" in page
    assert "/150" in page and "Hạ tầng" in page and "/20" in page


def test_the_ranking_table_is_named_by_its_caption(client, demo):
    page = text(client.get("/rankings/2019/ubnd-huyen/"))
    assert 'aria-labelledby="ranking-caption"' in page
    caption = re.search(r'<caption id="ranking-caption">([^<]*)</caption>', page).group(1)
    assert "2019" in caption and "UBND cấp huyện" in caption


def test_rank_change_since_the_previous_published_year(client, demo):
    page = text(client.get("/rankings/2019/so-ban-nganh/"))
    finance_row = page.split(">Tài chính</a>", 1)[1].split("</tr>", 1)[0]
    assert "▲ 2" in finance_row and "tăng 2 bậc" in finance_row  # 3rd in 2018, 1st in 2019
    ict_row = page.split(">Thông tin và Truyền thông</a>", 1)[1].split("</tr>", 1)[0]
    assert "▼ 3" in ict_row
    assert "mới" in text(client.get("/rankings/2018/so-ban-nganh/"))  # nothing before 2018


def test_an_agency_not_ranked_last_year_is_marked_new(client):
    group = factories.agency_group(slug="khoi")
    old, new = factories.evaluation_year(2020), factories.evaluation_year(2021)
    veteran, newcomer = factories.agency(group, name="Cũ"), factories.agency(group, name="Mới vào")
    factories.score(veteran, factories.criterion(old, group, "1.1", 10), 5)
    criterion = factories.criterion(new, group, "1.1", 10)
    factories.score(veteran, criterion, 4)
    factories.score(newcomer, criterion, 6)
    page = text(client.get("/rankings/2021/khoi/"))
    newcomer_row = page.split(">Mới vào</a>", 1)[1].split("</tr>", 1)[0]
    assert "change-new" in newcomer_row
    veteran_row = page.split(">Cũ</a>", 1)[1].split("</tr>", 1)[0]
    assert "▼ 1" in veteran_row  # first alone in 2020, second in 2021


def test_sorting_by_a_column_reorders_rows_but_keeps_the_official_rank(client, demo):
    rows = table_rows(client.get("/rankings/2019/so-ban-nganh/", {"sort": "-group_it_application"}))
    # Sở GTVT has the best IT application score (121) and stays 3rd.
    assert rows[0] == ("3", "Giao thông vận tải")
    alphabetical = table_rows(client.get("/rankings/2019/ubnd-huyen/", {"sort": "agency"}))
    assert [name for _rank, name in alphabetical][:2] == ["Ân Thi", "Khoái Châu"]
    assert dict((name, rank) for rank, name in alphabetical)["Ân Thi"] == "9"


def test_search_ignores_missing_diacritics_and_case(client, demo):
    rows = table_rows(client.get("/rankings/2019/ubnd-huyen/", {"q": "VAN LAM"}))
    assert rows == [("1", "Văn Lâm")]
    assert table_rows(client.get("/rankings/2019/ubnd-huyen/", {"q": "an thi"})) == [("9", "Ân Thi")]
    assert "Không có cơ quan nào phù hợp" in text(client.get("/rankings/2019/ubnd-huyen/", {"q": "zzz"}))


def test_the_agency_page_shows_every_year_its_standout_groups_and_criteria(client, demo):
    page = text(client.get("/agencies/so-tai-chinh/", {"year": 2019}))
    assert "xếp hạng <strong>1</strong>/18" in page and "<strong>413</strong>/500" in page
    assert "392,35/500" in page  # 2018
    standout = page.split("Nhóm tiêu chí nổi trội", 1)[1].split("Cần cải thiện", 1)[0]
    assert all(name in standout for name in
               ["Hạ tầng kỹ thuật CNTT", "Cung cấp dịch vụ công trực tuyến", "Cơ chế chính sách"])
    assert "Nhân lực cho ứng dụng CNTT" not in standout
    assert "Tổng điểm cao hơn 17 trong số 18 cơ quan" in page
    assert "Văn bản điện tử có chữ ký số" in page  # a sub-criterion
    assert "<svg" in page


def test_the_agency_page_for_a_chosen_year(client, demo):
    page = text(client.get("/agencies/so-thong-tin-va-truyen-thong/", {"year": 2018}))
    assert "Năm 2018: xếp hạng <strong>1</strong>/18" in page


def test_the_criteria_page_lists_the_tree_maxima_note_and_method(client, demo):
    page = text(client.get("/criteria/2019/so-ban-nganh/"))
    assert "tổng cộng 500 điểm" in page
    assert "2.1.1" in page and "Văn bản đi, đến được xử lý trên hệ thống" in page
    assert "20/05/2020" in page or "20-05-2020" in page
    assert "minh họa" in page and "1, 2, 2, 4" in page


def test_compare_shows_two_to_four_agencies_of_one_block(client, demo):
    page = text(client.get("/compare/", {"year": 2019, "agencies": "so-tai-chinh,so-thong-tin-va-truyen-thong"}))
    compared = page.split('class="data compare"', 1)[1].split("</table>", 1)[0]
    assert "Tài chính" in compared and "Thông tin và Truyền thông" in compared
    assert "413" in compared and "410,5" in compared
    checkboxes = re.findall(r'value="([a-z0-9-]+)"', page.split("<fieldset>", 1)[1].split("</fieldset>", 1)[0])
    assert checkboxes.index("so-van-hoa-the-thao-va-du-lich") > checkboxes.index("so-tai-chinh")
    # The two compared are the checked ones.
    checked = re.findall(r'value="([a-z0-9-]+)" checked>', page)
    assert sorted(checked) == ["so-tai-chinh", "so-thong-tin-va-truyen-thong"]


def test_the_compare_choices_escape_agency_names(client):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so")
    year = factories.evaluation_year(2024)
    criterion = factories.criterion(year, block, "1.1", 10)
    for name in ('Sở <b>"TC"</b> & KH', "Sở B"):
        factories.score(factories.agency(block, name=name), criterion, 5)
    page = client.get("/compare/", {"year": 2024}).content.decode()
    assert "> Sở &lt;b&gt;&quot;TC&quot;&lt;/b&gt; &amp; KH</label>" in page and "<b>" not in page


@pytest.mark.parametrize(
    ("agencies", "message"),
    [
        ("so-tai-chinh", "Hãy chọn từ 2 đến 4 cơ quan"),
        ("so-tai-chinh,so-xay-dung,so-y-te,so-noi-vu,so-tu-phap", "Hãy chọn từ 2 đến 4 cơ quan"),
        ("so-tai-chinh,ubnd-huyen-van-lam", "cùng khối"),
        ("so-tai-chinh,khong-co", "khong-co"),
    ],
)
def test_compare_explains_what_is_wrong(client, demo, agencies, message):
    response = client.get("/compare/", {"year": 2019, "agencies": agencies})
    assert response.status_code == 400  # the page explains, and is never cached
    assert message in text(response)
    assert 'class="data compare"' not in text(response)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_a_title_description_and_open_graph_tags(client, demo, url):
    page = text(client.get(url))
    assert re.search(r"<title>[^<]{10,}</title>", page)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', page)
    for tag in ("og:title", "og:description", "og:url", "og:type"):
        assert f'property="{tag}"' in page
    assert '<html lang="vi">' in page


def test_english_pages_live_under_en(client, demo):
    page = text(client.get("/en/rankings/2019/so-ban-nganh/"))
    assert '<html lang="en">' in page
    assert "Ranking 2019" in page and "Block average" in page and "Provincial departments" in page
    assert "410.5" in page
    assert 'hreflang="vi" href="/rankings/2019/so-ban-nganh/"' in page


@pytest.fixture
def draft_year(demo):
    year = EvaluationYear.objects.create(year=2020)
    from criteria.services import copy_criteria

    copy_criteria(source=EvaluationYear.objects.get(year=2019), target_year=2020, user=None)
    finance = Agency.objects.get(slug="so-tai-chinh")
    criterion = year.criteria.filter(agency_group=finance.group).scorable().first()
    factories.score(finance, criterion, 1)
    return year


@pytest.mark.parametrize(
    "url",
    [
        "/rankings/2020/so-ban-nganh/",
        "/en/rankings/2020/so-ban-nganh/",
        "/rankings/2020/so-ban-nganh.csv",
        "/rankings/2020/so-ban-nganh.xlsx",
        "/rankings/2020/so-ban-nganh.json",
        "/criteria/2020/so-ban-nganh/",
        "/agencies/so-tai-chinh/?year=2020",
        "/compare/?year=2020&agencies=so-tai-chinh,so-xay-dung",
        "/rankings/2019/khong-co-khoi/",
        "/rankings/2019/khong-co-khoi.csv",
        "/rankings/1999/so-ban-nganh/",
        "/rankings/2019/so-ban-nganh.pdf",
        "/agencies/khong-co/",
    ],
)
def test_unpublished_years_and_unknown_names_are_404(client, draft_year, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_draft_year_appears_in_no_link(client, draft_year, url):
    page = text(client.get(url))
    assert "/2020/" not in page and "year=2020" not in page and ">2020<" not in page
