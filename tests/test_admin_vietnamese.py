"""The screens staff see, in Vietnamese (django-axes', django-simple-history's and Django's own labels too), times in
the province's time zone, and forms that choose for them where only one choice makes sense."""

import re
from datetime import UTC, datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from criteria.models import EvaluationYear
from rankings.models import ImportLog
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(factories.People().superuser)
    return client


def test_axes_screens_and_the_filters_are_in_vietnamese(superuser_client):
    AccessAttempt.objects.create(username="ict", ip_address="10.0.0.9", user_agent="x", http_accept="*/*",
                                 path_info="/admin/login/", get_data="", post_data="", failures_since_start=3)
    page = superuser_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Địa chỉ IP" in page and "Số lần đăng nhập sai" in page and "Hiện số lượng" in page
    for english in ("IP Address", "Failed Logins", "Show counts", "access attempts", "Axes"):
        assert english not in page
    index = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Lượt đăng nhập" in index and "Axes" not in index and "Site quản trị" not in index


def test_the_history_screens_are_in_vietnamese(superuser_client):
    year = factories.evaluation_year(2030, published=False)
    year.note = "Sửa ghi chú"
    year.save()
    history = superuser_client.get(reverse("admin:criteria_evaluationyear_history", args=[year.pk]))
    page = history.content.decode()
    assert "Xem lịch sử: 2030" in page and "Người sửa" in page
    assert "View history" not in page and "Changed by" not in page and ">None<" not in page
    record = year.history.first()
    version = superuser_client.get(reverse("admin:criteria_evaluationyear_simple_history",
                                           args=[year.pk, record.history_id])).content.decode()
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|svg).*?</\1>", "", version, flags=re.S))
    assert "Xem 2030" in visible and "historical" not in visible.lower()


def test_the_user_forms_are_in_vietnamese(superuser_client):
    page = superuser_client.get(reverse("admin:auth_user_add")).content.decode()
    assert "Đăng nhập bằng mật khẩu" in page and "Password-based authentication" not in page


def test_the_import_log_shows_the_time_of_the_province(superuser_client):
    year = factories.evaluation_year(2030, published=False)
    block = factories.agency_group()
    log = ImportLog.objects.create(file_name="diem.xlsx", sha256="0" * 64, year=year, agency_group=block,
                                   applied_at=datetime(2030, 3, 1, 20, 30, tzinfo=UTC))
    assert str(log) == "diem.xlsx · 02/03/2030 03:30"  # UTC+7
    page = superuser_client.get(reverse("admin:rankings_importlog_changelist")).content.decode()
    assert "03:30" in page and "20:30" not in page


def test_the_forms_choose_the_one_open_year_and_list_agencies_under_their_blocks(superuser_client):
    block = factories.agency_group(name="Khối sở")
    other = factories.agency_group(name="Khối huyện")
    factories.agency(block, name="Sở Nội vụ")
    factories.agency(other, name="UBND huyện Văn Lâm")
    factories.evaluation_year(2029)
    year = factories.evaluation_year(2030, status=EvaluationYear.Status.SELF_ASSESSMENT)
    factories.criterion(year, block, "1.1", 10)
    page = superuser_client.get(reverse("admin:rankings_importlog_import")).content.decode()
    assert '<option value="2030" selected>' in page and f'<option value="{block.slug}" selected>' in page
    page = superuser_client.get(reverse("admin:rankings_score_entry")).content.decode()
    assert '<optgroup label="Khối huyện">' in page and '<optgroup label="Khối sở">' in page
    assert '<option value="2030" selected>' in page
