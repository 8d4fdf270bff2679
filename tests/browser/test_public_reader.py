"""A reader of the public site in a real browser, on a 360 px phone and a 1280 px screen (issue 17): why an agency
moved (4), comparing from its page with the change over time (6), English content and dates (7), and the downloads
with the data's caveat (8)."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from criteria.models import Criterion, EvaluationYear

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "screen": {"width": 1280, "height": 900}}
AGENCY = "/agencies/so-thong-tin-va-truyen-thong/?year=2019"


def fits(page, viewport):
    """Nothing wider than the window: only tables and charts scroll inside their own boxes."""
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS)
def test_a_reader_sees_why_an_agency_moved_and_compares_it(page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(site + AGENCY)
    expect(page.locator(".headline")).to_contain_text("giảm 3 bậc so với 2018")
    section = page.locator("section[aria-labelledby='why-it-moved']")
    expect(section.get_by_role("heading", level=2)).to_have_text("Năm 2019 so với năm 2018")
    expect(section).to_contain_text("Năm 2018 xếp hạng 1 (406,39 điểm), nay xếp hạng 4 (410,5 điểm).")
    expect(section).to_contain_text("các cơ quan sau đã vượt lên: Sở Tài chính, Sở Xây dựng, Sở Giao thông vận tải")
    expect(section.locator("tr", has_text="Hạ tầng kỹ thuật CNTT")).to_contain_text("+0,55")
    expect(page.locator("svg.chart-history text", has_text="hạng 4")).to_have_count(1)
    expect(page.locator(".note", has_text="số liệu minh họa")).to_have_count(1)  # the caveat of the year
    assert fits(page, viewport)

    page.get_by_role("link", name="So sánh với Tài chính").click()
    expect(page.locator("h1")).to_have_text("So sánh các cơ quan")
    row = page.locator("table.compare tr", has_text="Số bậc tăng so với 2018")
    expect(row).to_contain_text("−3")
    expect(page.locator(".note", has_text="số liệu minh họa")).to_have_count(1)
    # The radar's outlines stay apart without colour: each series its own dashes.
    dashes = page.locator("svg .chart-area").evaluate_all(
        "areas => areas.map(a => getComputedStyle(a).strokeDasharray)")
    assert len(set(dashes)) >= 2, dashes
    assert fits(page, viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS)
def test_english_pages_have_english_names_and_dates(page, site, viewport):
    year = EvaluationYear.objects.get(year=2019)
    year.note_en = "Illustrative figures except those the article gives."
    year.save()
    Criterion.objects.filter(year=year, agency_group__slug="so-ban-nganh", code="1.1").update(
        name_en="Computers, local network and Internet")
    page.set_viewport_size(viewport)
    page.goto(site + "/en/criteria/2019/so-ban-nganh/")
    expect(page.locator("body")).to_contain_text("Computers, local network and Internet")
    expect(page.locator(".note").first).to_have_text("Illustrative figures except those the article gives.")
    page.goto(site + "/en/rankings/2019/so-ban-nganh/")
    expect(page.locator("p.meta").first).to_contain_text("20 May 2020")
    assert fits(page, viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS)
def test_a_journalist_downloads_a_workbook_for_people(page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(site + "/rankings/2019/so-ban-nganh/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").first.click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "Thông tin về số liệu" in workbook.sheetnames and "Điểm từng tiêu chí" in workbook.sheetnames
    ranking = workbook.worksheets[0]
    assert ranking.freeze_panes is not None
    assert "Sở Tài chính" in [cell.value for row in ranking.iter_rows(min_row=2, max_row=2) for cell in row]
    notes = [cell.value for row in workbook["Thông tin về số liệu"].iter_rows() for cell in row if cell.value]
    assert any("số liệu minh họa" in str(value) for value in notes)
    page.goto(site + "/open-data/")
    expect(page.locator("h1")).to_be_visible()
    assert fits(page, viewport)
