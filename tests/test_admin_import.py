"""The admin's import flow through the test client: upload, preview, then confirm or cancel."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.importing import PENDING_FOLDER
from rankings.files import private_storage
from rankings.models import ImportLog, Score
from tests import sheets
from tests.sheets import PROVINCE_ROWS

pytestmark = pytest.mark.django_db


def upload(client, content, name="diem-2019.xlsx"):
    return client.post(reverse("admin:rankings_importlog_import"), {
        "year": "2019", "agency_group": "so-ban-nganh", "file": SimpleUploadedFile(name, content),
    })


def pending_files():
    return private_storage().listdir(PENDING_FOLDER)[1] if private_storage().exists(PENDING_FOLDER) else []


def test_the_preview_shows_what_changes_with_totals_and_ranks_and_saves_nothing(staff_client, block):
    response = upload(staff_client, sheets.province_sheet(PROVINCE_ROWS))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sở Tài chính" in page and "Sở Xây dựng" in page
    assert "<strong>7</strong> điểm mới" in page
    assert "1.1: – → 19,5" in page
    assert "Tổng điểm sau khi nhập" in page and "72,75" in page
    assert not Score.objects.exists() and not ImportLog.objects.exists()
    assert len(pending_files()) == 1


def test_confirm_imports_logs_and_keeps_the_file(staff_client, block):
    content = sheets.province_sheet(PROVINCE_ROWS)
    upload(staff_client, content)
    response = staff_client.post(reverse("admin:rankings_importlog_import_confirm"), follow=True)
    assert response.status_code == 200
    assert "Đã nhập diem-2019.xlsx: 7 điểm mới" in response.content.decode()
    assert Score.objects.count() == 7
    log = ImportLog.objects.get()
    assert log.user.username == "root" and log.file.read() == content
    assert pending_files() == []
    assert staff_client.get(reverse("admin:rankings_importlog_change", args=[log.pk])).status_code == 200


def test_cancel_leaves_nothing_behind(staff_client, block):
    upload(staff_client, sheets.province_sheet(PROVINCE_ROWS))
    response = staff_client.post(reverse("admin:rankings_importlog_import_cancel"), follow=True)
    assert "Đã hủy nhập" in response.content.decode()
    assert not Score.objects.exists() and not ImportLog.objects.exists()
    assert pending_files() == []
    again = staff_client.post(reverse("admin:rankings_importlog_import_confirm"), follow=True)
    assert "Không có lần nhập nào đang chờ xác nhận" in again.content.decode()
    assert not Score.objects.exists()


def test_a_bad_file_shows_every_problem_with_row_and_column_and_changes_nothing(staff_client, block):
    response = upload(staff_client, sheets.xlsx([["Tên cơ quan", "1.1", "1.2"], ["Sở Y tế", "21", "x"]]))
    page = response.content.decode()
    assert "Tệp có 2 lỗi; chưa nhập gì." in page
    assert 'B &quot;1.1&quot;' in page and "vượt quá điểm tối đa 20" in page
    assert "is above its maximum of 20" in page  # the English beside it
    assert "“x” không phải là số." in page
    assert not Score.objects.exists() and pending_files() == []


def test_the_score_sheet_download_is_a_template_for_a_year_without_scores(staff_client, block):
    response = staff_client.get(reverse("admin:rankings_importlog_export"),
                                {"year": "2019", "agency_group": "so-ban-nganh", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="diem-so-ban-nganh-2019.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("STT,Tên cơ quan,1.1,1.2,2.1.1,2.1.2,Tổng điểm")
    assert lines[3] == ",Điểm tối đa,20.00,20.00,20.00,20.00,80.00"
    assert lines[4] == "1,Sở Tài chính,,,,,"


def test_only_staff_with_change_permission_may_import(client, people, block):
    client.force_login(people.staff)
    assert upload(client, sheets.province_sheet(PROVINCE_ROWS)).status_code == 403
    assert not Score.objects.exists()
