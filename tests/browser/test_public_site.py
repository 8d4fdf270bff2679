"""The public site in a real browser (Debian's Chromium through Playwright): a visitor's journey, a phone,
and axe-core on every page. Screenshots go to SCREENSHOT_DIR (docs/screenshots with `make screenshots`)."""

import csv
import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PAGES = {
    "home": "/",
    "ranking": "/rankings/2019/so-ban-nganh/",
    "ranking-districts": "/rankings/2019/ubnd-huyen/",
    "agency": "/agencies/so-tai-chinh/",
    "criteria": "/criteria/2019/so-ban-nganh/",
    "compare": "/compare/?year=2019&agencies=so-tai-chinh,so-thong-tin-va-truyen-thong,so-xay-dung",
    "ranking-en": "/en/rankings/2019/ubnd-huyen/",
    "ranking-2025": "/rankings/2025/so-ban-nganh/",
    "agency-merged": "/agencies/so-khoa-hoc-va-cong-nghe/",
    "agency-formed": "/agencies/so-nong-nghiep-va-moi-truong/",
    "search": "/search/?q=tttt",
}

pytestmark = pytest.mark.django_db(transaction=True)


def first_row(page):
    return page.locator("#ranking tbody tr").first


def test_a_visitor_finds_the_leaders_sorts_searches_and_downloads(page, site, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/")
    expect(page.locator("h1")).to_contain_text("Xếp hạng mức độ Chính quyền điện tử")
    expect(page.get_by_text("93,96/100", exact=True)).to_be_visible()  # 2025, the newest year
    expect(page.get_by_role("heading", name="UBND cấp xã")).to_be_visible()

    page.get_by_role("link", name="2019 · Sở, ban, ngành").click()
    expect(first_row(page)).to_contain_text("Tài chính")
    expect(first_row(page)).to_contain_text("413")

    page.locator("#ranking thead").get_by_role("link", name="Ứng dụng CNTT").click()  # a score: best first
    expect(first_row(page).locator("td.col-agency")).to_have_text("Giao thông vận tải")
    expect(first_row(page).locator("td.col-rank")).to_have_text("3")

    page.get_by_role("link", name="UBND cấp huyện").first.click()
    page.get_by_label("Tìm cơ quan").fill("van lam")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#ranking tbody tr")).to_have_count(1)
    expect(first_row(page)).to_contain_text("119,34")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["rank", "rank_change", "agency"]
    assert rows[1][2:5] == ["UBND huyện Văn Lâm", "ubnd-huyen-van-lam", "119.34"]

    first_row(page).get_by_role("link", name="Văn Lâm").click()
    expect(page.locator("h1")).to_have_text("UBND huyện Văn Lâm")
    expect(page.locator(".headline")).to_contain_text("119,34")

    page.get_by_role("link", name="So sánh", exact=True).click()
    page.get_by_label("Tài chính", exact=True).check()
    page.get_by_label("Xây dựng", exact=True).check()
    page.get_by_role("button", name="So sánh").click()
    expect(page.locator("table.compare thead")).to_contain_text("Xây dựng")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Compare agencies")
    expect(page.locator("table.compare")).to_contain_text("Total")


def test_on_a_phone_the_table_scrolls_sideways_with_rank_and_agency_in_view(page, site, screenshot_dir):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site + PAGES["ranking"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    region = page.locator(".table-scroll").first
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", region.element_handle())
    region.evaluate("el => el.scrollLeft = el.scrollWidth")
    agency_cell = first_row(page).locator("td.col-agency")
    box = agency_cell.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 360
    expect(agency_cell).to_have_text("Tài chính")
    page.screenshot(path=screenshot_dir / "phone-ranking.png", full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_has_no_serious_accessibility_violation(page, site, screenshot_dir, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + PAGES[name])
    results = Axe().run(page)
    serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
               if v["impact"] in {"serious", "critical"}]
    assert serious == []
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)


def test_a_reader_follows_an_agency_through_the_2025_merger(page, site, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + "/")
    page.get_by_role("link", name="Tìm cơ quan").first.click()
    page.get_by_label("Tên, tên ngắn hoặc tên cũ").fill("tttt")
    page.get_by_role("button", name="Tìm kiếm").click()
    result = page.locator(".search-results > li")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Sở Thông tin và Truyền thông")
    expect(result).to_contain_text("2019: Sở Thông tin và Truyền thông · Sở, ban, ngành")
    expect(result).to_contain_text("Từ năm 2025 hợp nhất vào Sở Khoa học và Công nghệ")

    result.get_by_role("link", name="Sở Khoa học và Công nghệ").click()
    expect(page.locator("h1")).to_have_text("Sở Khoa học và Công nghệ")
    expect(page.locator(".lineage-note")).to_contain_text("Hợp nhất Sở Thông tin và Truyền thông từ năm 2025")
    expect(page.locator(".headline")).to_contain_text("xếp hạng 1/13")
    page.screenshot(path=screenshot_dir / "agency-merged.png", full_page=True)

    page.get_by_role("link", name="Xem toàn bộ bảng xếp hạng").click()
    leader = first_row(page)
    expect(leader.locator("td.col-agency")).to_contain_text("hợp nhất Sở Thông tin và Truyền thông")
    formed = page.locator("#ranking tbody tr", has_text="Nông nghiệp và Môi trường")
    expect(formed).to_contain_text("mới thành lập")

    formed.get_by_role("link", name="Nông nghiệp và Môi trường").click()
    expect(page.locator("tr.forebear")).to_have_count(4)  # two predecessors, 2018 and 2019
    expect(page.locator("tr.forebear").first).to_contain_text("kết quả của Sở Nông nghiệp và Phát triển nông thôn")
    expect(page.locator("svg circle.chart-forebear")).to_have_count(4)

    page.goto(site + "/rankings/2025/ubnd-cap-xa/?q=van+lam")
    expect(page.get_by_role("link", name="Tìm trong mọi khối và mọi năm")).to_be_visible()
