"""A clerk imports the province's sheet through the admin in a real browser: upload, preview, confirm."""

import pytest
from playwright.sync_api import expect

from rankings.models import ImportLog, Score
from tests.sheets import PROVINCE_ROWS, province_sheet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_uploads_checks_and_confirms_a_sheet(page, live_server, block, django_user_model, tmp_path,
                                                     screenshot_dir):
    django_user_model.objects.create_superuser(username="clerk", password="mat-khau-dai-1")
    sheet = tmp_path / "diem-2019.xlsx"
    sheet.write_bytes(province_sheet(PROVINCE_ROWS))

    page.goto(live_server.url + "/admin/rankings/importlog/import/")
    page.get_by_label("Tên đăng nhập").fill("clerk")
    page.get_by_label("Mật khẩu").fill("mat-khau-dai-1")
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_label("Năm").select_option("2019")
    page.get_by_label("Khối").select_option("so-ban-nganh")
    page.get_by_label("Bảng tính (XLSX, ODS hoặc CSV)").set_input_files(sheet)
    page.get_by_role("button", name="Kiểm tra tệp").click()

    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Sở Tài chính")
    expect(preview).to_contain_text("72,75")
    assert Score.objects.count() == 0
    page.screenshot(path=screenshot_dir / "admin-import-preview.png", full_page=True)

    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator(".messagelist")).to_contain_text("7 điểm mới")
    assert Score.objects.count() == 7
    assert ImportLog.objects.get().file_name == "diem-2019.xlsx"
