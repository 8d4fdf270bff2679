"""The public pages' layout in a real browser, measured rather than looked at: on a 360 px phone and a 1280 px
screen (bounding boxes, computed styles), and on paper (printed to PDF by Chromium, read back with poppler-utils'
pdftotext and pdfinfo). Issue 17: rank and agency stay in view without overlapping, nothing is cut at 1280 px,
chart text at least 11 CSS px, a print style sheet, sort headers with one arrow, a focus ring of at least 3:1 and a
heading for each section."""

import html
import re
import statistics
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# poppler-utils (make system-packages) reads the PDFs: without it the print tests fail, they never skip.
pytestmark = pytest.mark.django_db(transaction=True)

PHONE, SCREEN = {"width": 360, "height": 740}, {"width": 1280, "height": 900}
RANKINGS = {
    "2019": "/rankings/2019/so-ban-nganh/",
    "2025-merged": "/rankings/2025/so-ban-nganh/",  # twelve columns, names with where they came from
    "districts-en": "/en/rankings/2019/ubnd-huyen/",
    "2025-en": "/en/rankings/2025/so-ban-nganh/",  # English headers of one long word each: wider than 1280 px
}
AGENCY = "/agencies/so-thong-tin-va-truyen-thong/?year=2019"
CHART_PAGES = {
    "ranking": RANKINGS["2019"],
    "agency": AGENCY,
    "agency-formed": "/agencies/so-nong-nghiep-va-moi-truong/",  # its forebears' results in the line chart
    "compare": "/compare/?year=2019&agencies=so-tai-chinh,so-thong-tin-va-truyen-thong,so-xay-dung",
}
FIRST_ROWS = "#ranking tbody tr:nth-child(-n+6)"


def box(locator):
    return locator.evaluate("el => { const r = el.getBoundingClientRect(); "
                            "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")


# ---------------------------------------------------------------------------------------------------------------
# 1. Phone and screen


@pytest.mark.parametrize("name", RANKINGS)
def test_on_a_phone_rank_and_agency_stay_in_view_side_by_side_and_leave_room_for_the_scores(page, site, name):
    page.set_viewport_size(PHONE)
    page.goto(site + RANKINGS[name])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # only the table scrolls
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    frame = box(region)
    for position in ("0", "el.scrollWidth / 3", "el.scrollWidth"):
        region.evaluate(f"el => el.scrollLeft = {position}")
        for row in page.locator(f"#ranking thead tr, {FIRST_ROWS}, #ranking tfoot tr").all():
            rank, agency = box(row.locator(".col-rank")), box(row.locator(".col-agency"))
            assert rank["left"] >= frame["left"] - 0.5
            assert rank["right"] <= agency["left"] + 0.5, (position, row.inner_text())  # never overlapping
            assert agency["right"] <= frame["right"] - 120  # at least 120 px of the screen for the scores
    # Scrolled to the end, the last column is in full view beside them.
    last = box(page.locator("#ranking thead th").last)
    assert box(page.locator("#ranking thead th.col-agency"))["right"] <= last["left"] + 0.5
    assert last["right"] <= frame["right"] + 0.5
    caption = box(page.locator("#ranking caption"))  # stays put as the table scrolls
    assert frame["left"] - 0.5 <= caption["left"] and caption["right"] <= frame["right"] + 0.5


@pytest.mark.parametrize("name", RANKINGS)
def test_on_a_1280_px_screen_no_column_is_cut(page, site, name):
    page.set_viewport_size(SCREEN)
    page.goto(site + RANKINGS[name])
    region = page.locator(".table-scroll").first
    last = page.locator("#ranking thead th").last
    if box(last)["right"] > box(region)["right"] + 0.5:  # wider than its box: then the box scrolls to it
        assert region.evaluate("el => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX == 'auto'")
        region.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert box(region)["left"] - 0.5 <= box(last)["left"]
    assert box(last)["right"] <= box(region)["right"] + 0.5
    for row in page.locator(f"#ranking thead tr, {FIRST_ROWS}").all():
        assert box(row.locator(".col-rank"))["right"] <= box(row.locator(".col-agency"))["left"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]


# ---------------------------------------------------------------------------------------------------------------
# 2. Chart text

CHART_TEXTS = """() => [...document.querySelectorAll('figure.chart')].flatMap(figure => {
    const frame = figure.getBoundingClientRect();
    return [...figure.querySelectorAll('svg text')].map(text => {
        const m = text.getScreenCTM(), r = text.getBoundingClientRect();
        return {text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b),
                height: r.height, inside: r.left >= frame.left - 1 && r.right <= frame.right + 1};
    });
})"""


@pytest.mark.parametrize("viewport", [PHONE, SCREEN], ids=["360", "1280"])
@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_text_is_at_least_11_css_px_and_inside_its_figure(page, site, name, viewport):
    page.set_viewport_size(viewport)
    page.goto(site + CHART_PAGES[name])
    texts = page.evaluate(CHART_TEXTS)
    assert len(texts) > 5
    small = [(t["text"], round(t["px"], 1)) for t in texts if t["px"] < 11 or t["height"] < 11]
    assert small == []
    assert [t["text"] for t in texts if not t["inside"]] == []  # nothing cut off at the chart's edge
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


# ---------------------------------------------------------------------------------------------------------------
# 3. Paper


def print_to_pdf(page, url, path):
    page.goto(url)
    page.emulate_media(media="print")
    page.pdf(path=path, prefer_css_page_size=True)  # the page size and orientation of the style sheet's @page
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    words = subprocess.run(["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True).stdout
    pages_words = [[(float(x_min), float(x_max), html.unescape(word)) for x_min, x_max, word in
                    re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                               text)]
                   for text in words.split("<page ")[1:]]
    assert len(pages_words) == pages
    for words_of_page in pages_words:  # nothing printed beyond the paper's edge
        assert all(0 <= x_min and x_max <= width for x_min, x_max, _word in words_of_page)
    return {"pages": pages, "landscape": width > height,
            "text": [" ".join(word for _x_min, _x_max, word in words_of_page) for words_of_page in pages_words]}


SCREEN_ONLY = {  # the language switch, the navigation, the search, the sort hint, the downloads, the switchers
    "2019": ["English", "Trang chủ", "Tìm kiếm", "Chọn tiêu đề cột", "Tải dữ liệu", "Năm: 2025"],
    "2025-en": ["Tiếng Việt", "Home", "Search", "Select a column header", "Download the data", "Year: 2019"],
}


@pytest.mark.parametrize("name", SCREEN_ONLY)
def test_the_ranking_prints_on_landscape_pages_with_every_column_and_without_the_screen_s_controls(
        page, site, tmp_path, screenshot_dir, name):
    page.set_viewport_size(SCREEN)
    page.goto(site + RANKINGS[name])
    names = page.locator("#ranking tbody td.col-agency > a").all_inner_texts()
    printed = print_to_pdf(page, site + RANKINGS[name], str(tmp_path / "ranking.pdf"))
    headers = page.locator("#ranking thead th").all_inner_texts()  # as printed: no sort arrow
    assert printed["landscape"]
    first, everything = printed["text"][0].split(), " ".join(printed["text"])
    for header in headers:  # every column, on the first page
        assert all(word in first for word in header.split()), header
    for agency in names:
        assert " ".join(agency.split()) in everything
    if name == "2019":
        assert headers[-1].split()[:2] == ["Chính", "sách"]
        assert all(" ".join(agency.split()) in printed["text"][0] for agency in names)  # all 18 on one page
    for screen_only in SCREEN_ONLY[name]:
        assert screen_only not in everything
    # About 25 rows and more to a page: the height of a row (the median: a row with its predecessors' names takes
    # more lines) where the paper's width (A4 landscape less margins) lays them out, against the page's height.
    page.set_viewport_size({"width": 1047, "height": 718})
    heights = page.locator("#ranking tbody tr").evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert 718 / statistics.median(heights) >= 25
    if name == "2019":
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "ranking.pdf"), str(screenshot_dir / "print-ranking")], check=True)


def test_a_chart_is_printed_on_the_page_of_its_caption(page, site, tmp_path):
    printed = print_to_pdf(page, site + RANKINGS["2019"], str(tmp_path / "ranking.pdf"))
    [chart_page] = [text for text in printed["text"] if "Tổng điểm của từng cơ quan" in text]
    assert "Biểu đồ tổng điểm" in chart_page  # its heading too
    for agency in ["Tài chính", "Văn hóa, TT&DL"]:  # the first bar and the last
        assert agency in chart_page
    assert page.locator("figure.chart").evaluate("el => getComputedStyle(el).breakInside") == "avoid"


@pytest.mark.parametrize("url", [AGENCY, "/agencies/so-tai-chinh/?year=2019", "/agencies/ubnd-huyen-van-lam/?year=2019",
                                 "/agencies/so-nong-nghiep-va-moi-truong/"])
def test_an_agency_page_prints_on_at_most_two_pages_each_chart_with_its_caption(page, site, tmp_path, url):
    printed = print_to_pdf(page, site + url, str(tmp_path / "agency.pdf"))
    assert printed["pages"] <= 2
    captions = page.locator("figure.chart figcaption").all_inner_texts()
    labels = page.locator("figure.chart").evaluate_all(
        "figures => figures.map(f => [...f.querySelectorAll('text')].map(t => t.textContent).slice(-1)[0])")
    assert len(captions) == 2
    for caption, last_label in zip(captions, labels, strict=True):
        [caption_page] = [text for text in printed["text"] if " ".join(caption.split()) in text]
        assert last_label in caption_page
    everything = " ".join(printed["text"])
    assert "English" not in everything and "Trang chủ" not in everything


# ---------------------------------------------------------------------------------------------------------------
# 4. Sort headers


def sorted_headers(page):
    """(header, aria-sort) of the sorted columns, and the arrows shown anywhere in the header row."""
    head = page.locator("#ranking thead")
    sorted_ = [(re.sub("[▲▼]", "", th.locator("a").inner_text()).split()[0], th.get_attribute("aria-sort"))
               for th in head.locator("th[aria-sort]").all()]
    return sorted_, re.findall("[▲▼↕]", head.inner_text())


def test_only_the_sorted_column_shows_an_arrow_and_scores_sort_best_first(page, site):
    page.set_viewport_size(SCREEN)
    page.goto(site + RANKINGS["2019"])
    assert sorted_headers(page) == ([("Hạng", "ascending")], ["▲"])  # the official order
    arrows_after = page.locator("#ranking thead a").evaluate_all(
        "links => links.map(a => getComputedStyle(a, '::after').content)")
    assert set(arrows_after) == {"none"}  # no "↕" on every header any more

    column = page.locator("#ranking thead").get_by_role("link", name="Ứng dụng CNTT /150", exact=True)
    column.click()  # best first
    expect(page.locator("#ranking tbody tr").first.locator("td.col-agency")).to_have_text("Giao thông vận tải")
    assert sorted_headers(page) == ([("Ứng", "descending")], ["▼"])
    page.locator("#ranking thead").get_by_role("link", name="Ứng dụng CNTT /150", exact=True).click()  # reversed
    expect(page.locator("#ranking tbody tr").first.locator("td.col-agency")).to_have_text("Ban Quản lý các KCN")  # 85
    assert sorted_headers(page) == ([("Ứng", "ascending")], ["▲"])

    page.locator("#ranking thead").get_by_role("link", name="Thay đổi", exact=True).click()  # the largest gain first
    expect(page.locator("#ranking tbody tr").first.locator("td").nth(2)).to_contain_text("▲ 2")
    page.locator("#ranking thead").get_by_role("link", name="Cơ quan", exact=True).click()  # names from A
    expect(page.locator("#ranking tbody tr").first.locator("td.col-agency")).to_have_text("Ban Quản lý các KCN")
    expect(page.locator("#ranking tbody tr").last.locator("td.col-agency")).to_have_text("Y tế")
    page.locator("#ranking thead").get_by_role("link", name="Hạng", exact=True).click()  # the official order again
    expect(page.locator("#ranking tbody tr").first.locator("td.col-agency")).to_have_text("Tài chính")
    assert sorted_headers(page) == ([("Hạng", "ascending")], ["▲"])


# ---------------------------------------------------------------------------------------------------------------
# 5. Accessibility

FOCUS = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    let behind = el.parentElement;  // the ring is drawn outside the element, on what is behind it
    while (behind && ['transparent', 'rgba(0, 0, 0, 0)'].includes(getComputedStyle(behind).backgroundColor)) {
        behind = behind.parentElement;
    }
    return {name: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30), outline: style.outlineColor,
            width: parseFloat(style.outlineWidth), style: style.outlineStyle, halo: style.boxShadow,
            background: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)'};
}"""


def luminance(css_colour):
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3])
    return sum(weight * (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
               for weight, c in zip((0.2126, 0.7152, 0.0722), (red, green, blue), strict=True))


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("url", [RANKINGS["2019"], "/criteria/2019/so-ban-nganh/"])
def test_the_focus_ring_stands_out_at_least_3_to_1_from_every_background_it_meets(page, site, url):
    page.set_viewport_size(SCREEN)
    page.goto(site + url)
    seen = {}
    for _ in range(45):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["name"].startswith("BODY"):  # past the last link, before the first again
            continue
        seen.setdefault(focus["background"], []).append(focus)
    assert len(seen) >= 3 if "rankings" in url else len(seen) >= 2  # white, the header's blue, the table's tint
    for background, focused in seen.items():
        for focus in focused:
            assert focus["style"] == "solid" and focus["width"] >= 2, focus
            assert contrast(focus["outline"], background) >= 3, focus
            halo = re.match(r"rgba?\([^)]*\)", focus["halo"])[0]  # the inner ring, against the outer one
            assert contrast(halo, focus["outline"]) >= 3, focus


def test_the_ranking_and_criteria_pages_have_a_heading_for_each_section(page, site):
    page.set_viewport_size(SCREEN)
    page.goto(site + RANKINGS["2019"])
    assert page.locator("h2").all_inner_texts() == ["Bảng xếp hạng", "Tải dữ liệu", "Biểu đồ tổng điểm"]
    # Each part right under its heading: the table under the first, the links under the second, the chart under
    # the third.
    order = page.evaluate("""() => {
        const h = [...document.querySelectorAll('h2')], before = (a, b) => !!(a.compareDocumentPosition(b) & 4);
        return [['#ranking', 0], ['p.downloads', 1], ['figure.chart', 2]].map(([selector, n]) => {
            const el = document.querySelector(selector);
            return before(h[n], el) && (!h[n + 1] || before(el, h[n + 1]));
        });
    }""")
    assert order == [True, True, True]
    page.goto(site + "/criteria/2019/so-ban-nganh/")
    assert page.locator("h2").all_inner_texts()[:2] == ["Tiêu chí", "Cách tính kết quả"]
    headings = page.locator("h1, h2, h3").evaluate_all("hs => hs.map(h => +h.tagName[1])")
    assert all(later - earlier <= 1 for earlier, later in zip(headings, headings[1:], strict=False))  # none skipped


@pytest.mark.parametrize("url", [RANKINGS["2019"], AGENCY])
def test_no_serious_accessibility_violation_on_a_phone_either(page, site, url):
    page.set_viewport_size(PHONE)
    page.goto(site + url)
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations
            if v["impact"] in {"serious", "critical"}] == []
