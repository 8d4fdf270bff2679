"""A whole evaluation round in a real browser, one user of each role, each e-mail checked at a real SMTP server.

ICT staff open the year for self-assessment; the agency's reporter scores, saves and submits; ICT staff start the
appraisal; the appraiser accepts one criterion and adjusts the other; ICT staff open the explanations; the reporter
explains the adjusted score; the appraiser answers it with a new score; ICT staff publish by decision; a citizen
reads the result on the public ranking. Only the starting data is made here; every step goes through the screens.
Screenshots of each role's home go to SCREENSHOT_DIR (round-reporter.png, round-appraiser.png, round-ict.png).
"""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORT = {"width": 1280, "height": 800}


def log_in(new_context, live_server, user):
    """A browser of its own for `user`, logged in through the admin's form; the page stays where the login lands."""
    page = new_context(viewport=VIEWPORT, locale="vi-VN").new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#user-tools")).to_contain_text(user.username)
    return page


def run_year_action(page, live_server, year, action):
    """From the admin's home to the list of years: the year ticked, `action` chosen and run."""
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Năm đánh giá", exact=True).click()
    page.locator("#result_list tbody tr", has_text=str(year.year)).get_by_role("checkbox").check()
    page.get_by_label("Hoạt động:").select_option(label=action)
    page.get_by_role("button", name="Đi đến").click()


def open_round_board(page, live_server):
    """From the admin's home, the link to the round."""
    page.goto(live_server.url + "/admin/")
    page.locator("#round-home").get_by_role("link").click()


def mail(smtp_server, address, subject, timeout=10):
    """The e-mail with this subject that reached the SMTP server for `address`. Sent once the step commits, before
    the response; the short wait is for the server's delivery into its mailbox."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in smtp_server.to(address) if str(m["Subject"]).strip() == subject]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"No e-mail “{subject}” to {address}; it has {smtp_server.subjects(address)}")
        time.sleep(0.1)


def link_in(message):
    return re.search(r"https?://\S+", message.get_content()).group(0)


def short_date(day):
    with translation.override("vi"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_a_whole_round_through_the_browser_with_each_role_and_its_emails(
        new_context, live_server, smtp_server, settings, screenshot_dir):
    settings.SITE_URL = live_server.url  # as in production: the e-mails' links are absolute
    today = timezone.localdate()
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    agency = factories.agency(block, name="Sở Tài chính", short_name="Tài chính")
    factories.agency(block, name="Sở Xây dựng", short_name="Xây dựng")  # never scored: publication is incomplete
    year = factories.evaluation_year(
        2026, published=False, self_assessment_deadline=today + timedelta(days=10),
        appraisal_deadline=today + timedelta(days=20), explanation_deadline=today + timedelta(days=30))
    network = factories.criterion(year, block, "1.1", 20, name="Máy tính và mạng")
    security = factories.criterion(year, block, "1.2", 30, name="An toàn thông tin")
    people = factories.People()
    ict, appraiser, reporter = people.ict, people.appraiser, people.reporter(agency)
    entry_url = live_server.url + reverse("admin:rankings_score_entry_form", args=[agency.pk, year.year])
    # What is wrong on a screen without stopping the round: checked at the end, so that every step still runs.
    layout_problems = []

    # 1. ICT staff open the year for self-assessment: the agencies' reporters are told, with the deadline.
    ict_page = log_in(new_context, live_server, ict)
    run_year_action(ict_page, live_server, year, "Mở tự đánh giá")
    expect(ict_page.locator(".messagelist")).to_contain_text("Năm 2026: Mở tự đánh giá.")
    opened = mail(smtp_server, reporter.email, "Năm 2026: Mở tự đánh giá")
    assert f"Hạn chót: {short_date(year.self_assessment_deadline)}." in opened.get_content()
    assert link_in(opened) == live_server.url + "/admin/"

    # 2. The reporter lands on its agency's entry screen, scores both criteria, saves and submits: the appraisers
    # and ICT staff are told.
    reporter_page = log_in(new_context, live_server, reporter)
    expect(reporter_page).to_have_url(entry_url)
    summary = reporter_page.locator(".round-summary")
    expect(summary).to_contain_text(f"Hạn chót của giai đoạn này: {short_date(year.self_assessment_deadline)}.")
    if "Khối: Sở, ban, ngành." not in summary.inner_text():
        layout_problems.append(f"The entry screen does not name the block: {summary.inner_text()[:80]!r}…")
    reporter_page.get_by_label("Tự đánh giá 1.1", exact=True).fill("15")
    reporter_page.get_by_label("Đường dẫn minh chứng 1.1", exact=True).fill("https://minh-chung.example/mang")
    reporter_page.get_by_label("Tự đánh giá 1.2", exact=True).fill("25")
    reporter_page.get_by_label("Cách chấm điểm 1.2", exact=True).fill("Theo báo cáo an toàn thông tin quý IV")
    reporter_page.get_by_role("button", name="Lưu", exact=True).click()
    expect(reporter_page.locator(".messagelist")).to_have_text(
        "Đã lưu điểm của Sở Tài chính năm 2026: đã tự đánh giá 2/2 tiêu chí, tổng cộng 40 điểm.")
    reporter_page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("Đã gửi bản tự đánh giá của Sở Tài chính")
    expect(reporter_page.get_by_label("Tự đánh giá 1.1", exact=True)).to_be_disabled()  # locked once submitted
    expect(reporter_page.get_by_role("button", name="Gửi bản tự đánh giá")).to_have_count(0)
    reporter_page.screenshot(path=screenshot_dir / "round-reporter.png", full_page=True)
    submitted = "Sở Tài chính đã gửi bản tự đánh giá năm 2026"
    assert link_in(mail(smtp_server, appraiser.email, submitted)) == entry_url
    mail(smtp_server, ict.email, submitted)

    # 3. ICT staff start the appraisal: the appraisers are told.
    run_year_action(ict_page, live_server, year, "Bắt đầu thẩm định")
    expect(ict_page.locator(".messagelist")).to_contain_text("Năm 2026: Đang thẩm định.")
    mail(smtp_server, appraiser.email, "Năm 2026: Đang thẩm định")
    assert [s for s in smtp_server.subjects(reporter.email) if "thẩm định" in s] == []

    # 4. The appraiser goes from the admin's home to the board, opens the agency waiting, accepts 1.1 with its row's
    # button, adjusts 1.2 with a comment and finishes the appraisal: the reporter is told.
    appraiser_page = log_in(new_context, live_server, appraiser)
    expect(appraiser_page.locator("#round-home")).to_contain_text("Đợt đánh giá")
    appraiser_page.locator("#round-home").get_by_role("link").click()
    waiting = appraiser_page.locator(".module", has=appraiser_page.get_by_role("heading", name="Chờ thẩm định"))
    expect(waiting).to_contain_text("Sở Tài chính")
    appraiser_page.screenshot(path=screenshot_dir / "round-appraiser.png", full_page=True)
    waiting.get_by_role("link", name="Sở Tài chính").click()
    expect(appraiser_page).to_have_url(entry_url)
    width = appraiser_page.evaluate("document.documentElement.scrollWidth")
    if width > VIEWPORT["width"]:
        layout_problems.append(f"The appraiser's entry screen is {width} px wide in a {VIEWPORT['width']} px window.")
    appraiser_page.locator(f"#criterion-{network.pk}").get_by_role("button", name="Chấp nhận", exact=True).click()
    expect(appraiser_page.locator(".messagelist")).to_have_text("Đã chấp nhận 1 điểm tự đánh giá của Sở Tài chính.")
    expect(appraiser_page.get_by_label("Thẩm định 1.1", exact=True)).to_have_value("15,00")
    expect(appraiser_page.get_by_label("Thẩm định 1.2", exact=True)).to_have_value("")
    appraiser_page.get_by_label("Thẩm định 1.2", exact=True).fill("18")
    appraiser_page.get_by_label("Ý kiến thẩm định 1.2", exact=True).fill("Chưa có kế hoạch ứng phó sự cố")
    appraiser_page.get_by_role("button", name="Lưu", exact=True).click()
    expect(appraiser_page.locator(".messagelist")).to_contain_text("Đã lưu điểm của Sở Tài chính năm 2026")
    expect(appraiser_page.get_by_label("Thẩm định 1.2", exact=True)).to_have_value("18,00")
    appraiser_page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(appraiser_page.locator(".messagelist")).to_contain_text("Đã hoàn thành thẩm định Sở Tài chính")
    mail(smtp_server, reporter.email, "Đã hoàn thành thẩm định Sở Tài chính năm 2026")

    # 5. ICT staff open the explanations: the reporter is told.
    run_year_action(ict_page, live_server, year, "Mở giải trình")
    expect(ict_page.locator(".messagelist")).to_contain_text("Năm 2026: Đang giải trình.")
    mail(smtp_server, reporter.email, "Năm 2026: Đang giải trình")

    # 6. The reporter follows its entry screen's link to its appraised scores and explains the adjusted one: the
    # appraisers are told.
    reporter_page.goto(entry_url)
    reporter_page.get_by_role("link", name="Giải trình điểm thẩm định").click()
    expect(reporter_page.locator(f"#criterion-{security.pk}")).to_contain_text("Chưa có kế hoạch ứng phó sự cố")
    reporter_page.get_by_label("Tiêu chí:", exact=True).select_option(label="1.2 An toàn thông tin")
    reporter_page.get_by_label("Giải trình:", exact=True).fill("Kế hoạch ứng phó sự cố đã ban hành tháng 11")
    reporter_page.get_by_role("button", name="Gửi giải trình").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("Đã gửi giải trình")
    filed = mail(smtp_server, appraiser.email, "Sở Tài chính giải trình tiêu chí 1.2 (năm 2026)")
    assert "Kế hoạch ứng phó sự cố đã ban hành tháng 11" in filed.get_content()

    # 7. The appraiser follows the e-mail's link and adjusts the score with a reason: the reporter is told.
    appraiser_page.goto(link_in(filed))
    row = appraiser_page.locator(f"#criterion-{security.pk}")
    expect(row).to_contain_text("Kế hoạch ứng phó sự cố đã ban hành tháng 11")
    row.get_by_label("Điều chỉnh điểm").check()
    row.get_by_label("Lý do").fill("Kế hoạch đã ban hành, chưa diễn tập")
    row.get_by_label("Điểm điều chỉnh").fill("22")
    row.get_by_role("button", name="Trả lời").click()
    expect(appraiser_page.locator(".messagelist")).to_contain_text("Đã trả lời giải trình")
    expect(row).to_contain_text("Điều chỉnh điểm (18 → 22)")
    answered = mail(smtp_server, reporter.email, "Giải trình tiêu chí 1.2 đã được trả lời")
    assert "Điều chỉnh điểm: Kế hoạch đã ban hành, chưa diễn tập" in answered.get_content()

    # 8. ICT staff read on the board what still blocks publication, then publish by decision (incomplete, with a
    # reason): everyone is told.
    open_round_board(ict_page, live_server)
    blocking = ict_page.locator(".module", has=ict_page.get_by_role(
        "heading", name="Những gì còn vướng trước khi công bố"))
    expect(blocking).to_contain_text("Sở, ban, ngành: Sở Xây dựng chưa có điểm.")
    expect(ict_page.locator("table.round-board tbody tr", has_text="Sở Tài chính")).to_contain_text(
        "Giải trình đã được trả lời")
    ict_page.screenshot(path=screenshot_dir / "round-ict.png", full_page=True)
    run_year_action(ict_page, live_server, year, "Công bố theo quyết định")
    expect(ict_page).to_have_url(live_server.url + reverse("admin:rankings_publish", args=[year.year]))
    expect(ict_page.locator("#content")).to_contain_text("Sở Xây dựng chưa có điểm.")
    ict_page.get_by_label("Số quyết định").fill("768/QĐ-UBND")
    ict_page.get_by_label("Ngày ký").fill(today.isoformat())
    ict_page.get_by_label("Lý do công bố khi chưa đủ").fill("Sở Xây dựng không gửi bản tự đánh giá")
    ict_page.get_by_role("button", name="Công bố", exact=True).click()
    expect(ict_page.locator(".messagelist")).to_contain_text("Đã công bố kết quả năm 2026.")
    for person in (reporter, appraiser, ict):
        mail(smtp_server, person.email, "Năm 2026: Đã công bố")

    # 9. A citizen reads the published ranking: the decision, and the agency's total after the answer (15 + 22).
    citizen = new_context(viewport=VIEWPORT, locale="vi-VN").new_page()
    citizen.goto(live_server.url + "/rankings/2026/so-ban-nganh/")
    expect(citizen.locator("p.meta").first).to_contain_text(
        f"Phê duyệt theo Quyết định số 768/QĐ-UBND ngày {short_date(today)}.")
    expect(citizen.locator("#ranking tbody tr", has_text="Tài chính").locator("td").nth(3)).to_have_text("37")

    # One message per address: nobody sees the others'.
    assert all(len(m["To"].addresses) == 1 for m in smtp_server.messages)
    assert not layout_problems, "\n".join(layout_problems)
