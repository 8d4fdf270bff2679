"""One test per finding of the security review (issue 12), each seen failing on the code before its fix."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from criteria.models import Criterion, EvaluationYear
from criteria.services import change_year_status
from imports.importing import PENDING_FOLDER, apply_import
from rankings import roles
from rankings.files import private_storage
from rankings.models import Score
from rankings.selectors import publication_record
from tests import factories, sheets

Status = EvaluationYear.Status


@pytest.fixture
def evaluation(people):
    """Agencies A and B of one block, a year under appraisal with a criterion, both agencies' scores, the roles."""
    block = factories.agency_group(slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=Status.APPRAISAL)
    criterion = factories.criterion(year, block, "1.1", 20, name="Máy tính")
    a, b = factories.agency(block, name="Sở A"), factories.agency(block, name="Sở B")
    scores = {}
    for key, agency in {"a": a, "b": b}.items():
        scores[key] = Score.objects.create(agency=agency, criterion=criterion, self_assessed=Decimal(15),
                                           value=Decimal(14 if key == "a" else 18),
                                           appraisal_comment=f"Nhận xét riêng của Sở {key.upper()}",
                                           evidence_url=f"https://so-{key}.example/minh-chung")

    return {"block": block, "year": year, "criterion": criterion, "a": a, "b": b, "scores": scores,
            "reporter": people.reporter(a), "unlinked": people.unlinked, "appraiser": people.appraiser,
            "ict": people.ict}


def history_form(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history",
                   args=[obj.pk, obj.history.latest().history_id])


# 1. History screens write


def test_a_reporter_cannot_rewrite_a_score_through_the_history_revert_form(client, evaluation):
    e = evaluation
    client.force_login(e["reporter"])
    for key in ("a", "b"):  # another agency's appraised score, and its own appraised value
        score = e["scores"][key]
        response = client.post(history_form(score), {"agency": score.agency_id, "criterion": e["criterion"].pk,
                                                     "self_assessed": "20", "value": "20",
                                                     "appraisal_comment": "sửa", "evidence_url": ""})
        assert response.status_code in (404, 405)
    assert dict(Score.objects.values_list("agency__name", "value")) == {"Sở A": 14, "Sở B": 18}


def test_an_appraiser_cannot_publish_a_year_or_edit_a_criterion_through_the_history_revert_form(client, evaluation):
    e = evaluation
    client.force_login(e["appraiser"])
    client.post(history_form(e["year"]), {"year": 2024, "status": "published", "published_on": "2025-01-01",
                                          "note": ""})
    client.post(history_form(e["criterion"]), {"year": e["year"].pk, "agency_group": e["block"].pk,
                                               "criteria_group": e["criterion"].criteria_group_id, "code": "1.1",
                                               "name": "Đổi tên", "max_points": "99", "order": 0})
    e["year"].refresh_from_db()
    assert e["year"].status == Status.APPRAISAL
    assert Criterion.objects.values_list("name", "max_points").get() == ("Máy tính", 20)
    # Not even ICT staff: a past version is read, never saved back around the services.
    client.force_login(e["ict"])
    assert client.post(history_form(e["year"]), {"year": 2024, "status": "draft"}).status_code == 405
    assert client.get(history_form(e["year"])).status_code == 200


def test_a_published_year_is_not_unpublished_through_the_history_revert_form(client, evaluation):
    e = evaluation
    call_command("publish", "2024", *factories.DECISION)
    client.force_login(e["appraiser"])
    client.post(history_form(e["year"]), {"year": 2024, "status": "appraisal", "note": ""})
    e["year"].refresh_from_db()
    assert e["year"].status == Status.PUBLISHED


# 2. History screens read


def test_a_reporter_cannot_read_another_agencys_score_history(client, evaluation):
    e = evaluation
    client.force_login(e["reporter"])
    other = e["scores"]["b"]
    for url in (reverse("admin:rankings_score_history", args=[other.pk]), history_form(other)):
        response = client.get(url)
        assert response.status_code == 404
        assert "Nhận xét riêng của Sở B" not in response.content.decode()
    own = reverse("admin:rankings_score_history", args=[e["scores"]["a"].pk])
    assert client.get(own).status_code == 404  # its own appraisal, while the appraisal runs: not yet
    EvaluationYear.objects.filter(year=2024).update(status=Status.EXPLANATION)
    assert client.get(own).status_code == 200


# 3. A reporter without an agency link


def test_a_reporter_without_an_agency_link_reaches_no_score(client, evaluation):
    e = evaluation
    score = e["scores"]["b"]
    score.evidence_file.save("minh-chung.pdf", ContentFile(b"%PDF-1.4 B"))
    client.force_login(e["unlinked"])
    entry = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": e["b"].pk, "year": 2024})
    assert client.get(reverse("admin:rankings_score_changelist")).status_code == 403
    assert client.get(entry).status_code == 403
    assert client.get(reverse("admin:rankings_score_evidence", args=[score.pk])).status_code == 403
    assert client.post(entry, {f"value_{e['criterion'].pk}": "1"}).status_code == 403
    assert Score.objects.get(pk=score.pk).value == 18


# 4. A reporter's rank before publication


def test_a_reporter_sees_its_own_total_but_no_rank_before_publication(client, evaluation):
    e = evaluation
    entry = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": e["a"].pk, "year": 2024})
    client.force_login(e["reporter"])
    page = client.get(entry).content.decode()  # while appraisal runs, nothing of it
    assert "Tổng điểm thẩm định" not in page and "Nhận xét riêng của Sở A" not in page and "trong khối" not in page
    change_year_status(year=e["year"], status=Status.EXPLANATION, user=None)
    page = client.get(entry).content.decode()
    assert "Tổng điểm thẩm định: <strong>14</strong>/20 điểm." in page and "trong khối" not in page
    client.force_login(e["appraiser"])
    assert "Xếp hạng 2 trong khối." in client.get(entry).content.decode()
    call_command("publish", "2024", *factories.DECISION)
    client.force_login(e["reporter"])
    assert "Xếp hạng 2 trong khối." in client.get(entry).content.decode()


# 5. Stale pages across processes


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def statuses(url, count):
    """Status codes of `count` requests, each on its own connection so that the workers share them."""
    codes = []
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                codes.append(response.status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
    return codes


@pytest.mark.django_db(transaction=True)
# One worker: its copy of the page is sure to be there. Threads: as deployed (config/gunicorn.py), one process.
@pytest.mark.parametrize("workers", [["--workers", "1"], ["--workers", "3"], ["-c", "config/gunicorn.py"]],
                         ids=["one worker", "three workers", "deployed, threads"])
def test_an_unpublish_from_the_command_line_reaches_every_gunicorn_worker(tmp_path, workers):
    block = factories.agency_group(slug="so-ban-nganh")
    year = factories.evaluation_year(2024)
    factories.score(factories.agency(block, name="Sở A"), factories.criterion(year, block, "1.1", 20), 15)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": database_url(),
            "SECRET_KEY": "test-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "false",
            "REDIS_URL": "redis://127.0.0.1:6379/13", "STATIC_ROOT": str(tmp_path / "static"),
            "PRIVATE_FILES_ROOT": str(tmp_path / "private")}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)
    subprocess.run([sys.executable, "-c", "import redis; redis.Redis(db=13).flushdb()"], check=True)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                               *workers, "--log-level", "warning"], env=env, cwd=settings.BASE_DIR)
    page = f"http://127.0.0.1:{port}/rankings/2024/so-ban-nganh/"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        assert statuses(page, 30) == [200] * 30  # every worker has the page, cached
        subprocess.run([*manage, "unpublish", "2024", "--reason", "kiểm tra lại"], env=env, cwd=settings.BASE_DIR,
                       check=True, capture_output=True)
        assert statuses(page, 60) == [404] * 60
        subprocess.run([*manage, "publish", "2024", *factories.DECISION], env=env, cwd=settings.BASE_DIR, check=True,
                       capture_output=True)
        assert statuses(page, 30) == [200] * 30
    finally:
        server.terminate()
        server.wait(timeout=30)


# 6. Unbounded cache


def cached_pages():
    return sum(1 for key in cache._cache if "public-page:" in key)  # the local-memory cache of the tests


def test_the_cache_keeps_one_page_whatever_junk_the_query_string_carries(client, demo):
    for n in range(20):
        assert client.get(f"/rankings/2019/so-ban-nganh/?junk={n}&utm_source=zalo").status_code == 200
    assert cached_pages() == 1
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/rankings/2019/so-ban-nganh/?fbclid=xyz").content.decode()
    assert len(captured) == 0 and "junk" not in page and "fbclid" not in page


def test_invalid_parameter_values_are_never_cached(client, demo):
    assert client.get("/rankings/2019/so-ban-nganh/?sort=khong-co-cot-nay").status_code == 302
    assert client.get("/agencies/so-tai-chinh/?year=abc").status_code == 404
    assert client.get("/compare/?agencies=khong-co,cung-khong-co").status_code == 400
    assert client.get("/rankings/2019/so-ban-nganh/?q=tài chính").status_code == 200  # a search: not cached
    assert cached_pages() == 0


def test_a_page_is_never_cached_for_a_host_that_is_not_allowed_nor_served_to_another_host(client, demo, settings):
    settings.ALLOWED_HOSTS = ["xephang.hungyen.gov.vn", "cqdt.example.vn"]
    assert client.get("/", HTTP_HOST="ke-gian.example").status_code == 400
    assert cached_pages() == 0
    first = client.get("/", HTTP_HOST="xephang.hungyen.gov.vn").content.decode()
    second = client.get("/", HTTP_HOST="cqdt.example.vn").content.decode()
    assert 'og:url" content="http://xephang.hungyen.gov.vn/"' in first
    assert 'og:url" content="http://cqdt.example.vn/"' in second


# 7. Public 500s


@pytest.mark.parametrize("url", [
    "/agencies/so-tai-chinh/?year=²",
    "/compare/?year=²&agencies=so-tai-chinh,so-xay-dung",
    "/agencies/so-tai-chinh/?year=" + "9" * 5000,
    "/compare/?year=" + "9" * 5000,
])
def test_an_odd_year_is_not_found_not_an_error(client, demo, url):
    assert client.get(url).status_code == 404


def test_a_sub_criterion_with_a_self_assessment_only_does_not_break_the_agency_page(client, db):
    block = factories.agency_group(slug="so-ban-nganh")
    year = factories.evaluation_year(2024)
    parent = factories.criterion(year, block, "1", 20)
    first = factories.criterion(year, block, "1.1", 10, parent=parent)
    second = factories.criterion(year, block, "1.2", 10, parent=parent)
    agency = factories.agency(block, name="Sở A")
    factories.score(agency, first, 8)
    Score.objects.create(agency=agency, criterion=second, self_assessed=Decimal(9))
    response = client.get(f"/agencies/{agency.slug}/")
    assert response.status_code == 200 and "Sở A" in response.content.decode()


# 8. Admin 500s


@pytest.fixture
def ict_client(client, evaluation):
    client.force_login(evaluation["ict"])
    return client


def import_problems(client, content, name="diem.csv"):
    EvaluationYear.objects.filter(year=2024).update(status=Status.SELF_ASSESSMENT)
    response = client.post(reverse("admin:rankings_importlog_import"), {
        "year": 2024, "agency_group": "so-ban-nganh", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response.context["problems"]


def test_a_csv_cell_over_the_field_limit_is_named_by_its_row(ict_client):
    content = "Tên cơ quan,1.1\r\nSở A,12\r\nSở B,".encode() + b"9" * 140_000 + b"\r\n"
    [(row, _column, vietnamese, english)] = import_problems(ict_client, content)
    assert row == 3 and "131072" in vietnamese and "more than 131072 characters" in english


def test_a_bare_carriage_return_inside_a_csv_field_is_named_by_its_row(ict_client):
    content = "Tên cơ quan,1.1\nSở A,1\rx\nSở B,2\n".encode()
    [(row, _column, vietnamese, _english)] = import_problems(ict_client, content)
    assert row == 2 and "xuống dòng" in vietnamese


@pytest.mark.parametrize("path", ["rankings/score/abc/history/", "rankings/score/abc/history/1/",
                                  "rankings/score/1/history/abc/", "rankings/score/1/history/99999999999999999999/",
                                  "criteria/evaluationyear/%C2%B2/history/", "criteria/criterion/x/history/1/"])
def test_a_malformed_id_in_a_history_address_is_not_found(ict_client, path):
    assert ict_client.get(f"/admin/{path}").status_code == 404


@pytest.mark.parametrize("url", [
    "/admin/autocomplete/?app_label=rankings&model_name=score&field_name=agency&term=S%00",
    "/admin/rankings/score/?q=%00",
    "/admin/agencies/agency/?group__id__exact=%00",
    "/rankings/2019/so-ban-nganh/?q=%00",
])
def test_a_nul_character_is_refused_with_a_clear_message(ict_client, url):
    response = ict_client.get(url)
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode() and "NUL character" in response.content.decode()


def test_a_nul_character_in_a_login_name_is_refused_with_a_clear_message(client, db):
    response = client.post(reverse("admin:login"), {"username": "ict\x00", "password": "x"})
    assert response.status_code == 400 and "NUL" in response.content.decode()


# 9. Abandoned import previews


def test_abandoned_import_previews_expire(ict_client, settings):
    storage = private_storage()
    old = storage.save(f"{PENDING_FOLDER}/bo-do.xlsx", ContentFile(b"PK old"))
    recent = storage.save(f"{PENDING_FOLDER}/dang-xem.xlsx", ContentFile(b"PK recent"))
    long_ago = (timezone.now() - settings.IMPORT_PREVIEW_MAX_AGE - timedelta(minutes=1)).timestamp()
    os.utime(storage.path(old), (long_ago, long_ago))
    call_command("expire_import_previews", stdout=io.StringIO())
    assert not storage.exists(old) and storage.exists(recent)

    os.utime(storage.path(recent), (long_ago, long_ago))  # a new preview clears the abandoned ones too
    EvaluationYear.objects.filter(year=2024).update(status=Status.SELF_ASSESSMENT)
    ict_client.post(reverse("admin:rankings_importlog_import"), {
        "year": 2024, "agency_group": "so-ban-nganh",
        "file": SimpleUploadedFile("diem.xlsx", sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở A", 3]]))})
    _folders, left = storage.listdir(PENDING_FOLDER)
    assert len(left) == 1 and "dang-xem" not in left[0]


# 10. Evidence files


def office_zip(member, mimetype=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "accepted"), [
    ("anh.png", b"%PDF-1.4 a pdf named png", False),
    ("van-ban.pdf", office_zip("word/document.xml"), False),
    ("bang-tinh.docx", sheets.xlsx([["a"]]), False),
    ("van-ban.odt", office_zip("content.xml", "application/vnd.oasis.opendocument.spreadsheet"), False),
    ("anh.jpg", b"\x89PNG\r\n\x1a\n png named jpg", False),
    ("ke-hoach.pdf", b"%PDF-1.4 plan", True),
    ("anh.png", b"\x89PNG\r\n\x1a\n image", True),
    ("van-ban.docx", office_zip("word/document.xml"), True),
    ("bang-tinh.xlsx", sheets.xlsx([["a"]]), True),
    ("van-ban.odt", office_zip("content.xml", "application/vnd.oasis.opendocument.text"), True),
])
def test_evidence_must_be_what_its_name_says(client, evaluation, name, content, accepted):
    e = evaluation
    EvaluationYear.objects.filter(year=2024).update(status=Status.SELF_ASSESSMENT)
    client.force_login(e["reporter"])
    url = reverse("admin:rankings_score_entry_form", kwargs={"agency_id": e["a"].pk, "year": 2024})
    version = client.get(url).context["form"]["version"].value()
    response = client.post(url, {"version": version,
                                 f"evidence_file_{e['criterion'].pk}": SimpleUploadedFile(name, content)})
    assert bool(Score.objects.get(pk=e["scores"]["a"].pk).evidence_file) is accepted
    if not accepted:
        assert "nội dung phải đúng loại mà tên tệp cho biết" in response.content.decode()


# 11. Login lockout behind the proxy


def fail_login(client, forwarded_for):
    return client.post(reverse("admin:login"), {"username": "ict", "password": "sai"}, REMOTE_ADDR="172.18.0.5",
                       HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_the_proxy_a_lockout_is_for_the_client_not_for_everyone(client, evaluation, settings):
    settings.TRUSTED_PROXY_COUNT = 1  # nginx, which appends the address it saw to X-Forwarded-For
    e = evaluation
    e["ict"].set_password("mat-khau-dung-1")
    e["ict"].save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "203.0.113.7")
    assert fail_login(client, "203.0.113.7").status_code == 429
    # A client cannot slip out of its lockout by writing its own X-Forwarded-For: nginx appends the real one.
    assert fail_login(client, "198.51.100.1, 203.0.113.7").status_code == 429
    # Another client, through the same proxy, still logs in.
    response = client.post(reverse("admin:login"), {"username": "ict", "password": "mat-khau-dung-1"},
                           REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(e["ict"].pk)


# Found by attacking a production-settings server (three gunicorn workers on PostgreSQL) after the fixes above


def test_host_names_and_repeated_or_padded_parameters_add_no_cache_entry(client, demo, settings):
    settings.SITE_URL = "https://xephang.hungyen.gov.vn"
    settings.ALLOWED_HOSTS = ["xephang.hungyen.gov.vn", "localhost"]
    for host in ["localhost", "LOCALHOST", "localhost:8100", "localhost.", "xephang.hungyen.gov.vn:0443"]:
        page = client.get("/agencies/so-tai-chinh/?year=2019&year=2019", HTTP_HOST=host).content.decode()
        assert 'og:url" content="https://xephang.hungyen.gov.vn/agencies/so-tai-chinh/?year=2019"' in page
    for agencies in ["so-tai-chinh,so-y-te", "so-tai-chinh,so-y-te,", ",so-tai-chinh,,%20so-y-te",
                     "so-tai-chinh,so-y-te,so-tai-chinh", "so-tai-chinh&agencies=so-y-te"]:
        assert client.get(f"/compare/?year=2019&agencies={agencies}", HTTP_HOST="localhost").status_code == 200
    assert cached_pages() == 2
    for padded in ["/rankings/02019/so-ban-nganh/", "/criteria/0002019/so-ban-nganh/",
                   "/rankings/002019/so-ban-nganh.json", "/en/rankings/02019/so-ban-nganh/"]:
        assert client.get(padded, HTTP_HOST="localhost").status_code == 404
    assert cached_pages() == 2


@pytest.mark.parametrize("content", [b"\xff\xfeA", b"\xff\xfe\x00\xd8", b"\xfe\xff\x00", b"\xff\xfe\x00\xdcA\x00"])
def test_a_broken_utf16_csv_is_refused_clearly(ict_client, content):
    [(_row, _column, vietnamese, english)] = import_problems(ict_client, content)
    assert "not a valid CSV" in english and "CSV" in vietnamese


@pytest.mark.parametrize(("url", "fields"), [
    ("admin:agencies_agency_add", {"name": "Sở A.", "slug": "", "order": 1}),
    ("admin:agencies_agencygroup_add", {"name": "Khối sở!", "slug": "", "order": 1}),
])
def test_a_blank_slug_that_would_repeat_another_is_a_form_error(ict_client, evaluation, url, fields):
    factories.agency_group(name="Khối sở", slug="khoi-so")
    response = ict_client.post(reverse(url), {**fields, "group": evaluation["block"].pk})
    assert response.status_code == 200 and response.context["adminform"].form.errors["slug"]


def test_a_deleted_scores_history_stays_readable_to_those_who_could_read_it(client, evaluation):
    e = evaluation
    EvaluationYear.objects.filter(year=2024).update(status=Status.EXPLANATION)  # the agency sees its appraisal
    own, other = e["scores"]["a"].pk, e["scores"]["b"].pk
    Score.objects.filter(pk__in=[own, other]).delete()  # what clearing every field on the entry screen does
    history = reverse("admin:rankings_score_history", args=[own])
    for user, status in [(e["ict"], 200), (e["appraiser"], 200), (e["reporter"], 200), (e["unlinked"], 404)]:
        client.force_login(user)
        assert client.get(history).status_code == status
    client.force_login(e["reporter"])
    assert client.get(reverse("admin:rankings_score_history", args=[other])).status_code == 404


def test_an_import_log_file_refused_says_nothing_of_which_ids_exist(client, evaluation):
    client.force_login(evaluation["appraiser"])
    assert client.get(reverse("admin:rankings_importlog_file", args=[1])).status_code == 403
    assert client.get(reverse("admin:rankings_importlog_file", args=[999])).status_code == 403


def test_an_unpublished_year_has_no_publication_date(evaluation):
    call_command("publish", "2024", *factories.DECISION)
    call_command("unpublish", "2024", "--reason", "sửa điểm")
    year = EvaluationYear.objects.get(year=2024)
    assert (year.status, year.published_on) == (Status.APPRAISAL, None)
    assert year.history.filter(status=Status.PUBLISHED).exclude(published_on=None).exists()


# Found by reviewing the change


def test_a_link_to_one_agency_narrows_ict_staff_too_no_import_nor_import_file(client, evaluation, people):
    e = evaluation
    linked = factories.user("ict-linked", roles.ICT_STAFF, e["a"])
    EvaluationYear.objects.filter(year=2024).update(status=Status.SELF_ASSESSMENT)
    client.force_login(linked)
    sheet = SimpleUploadedFile("diem.xlsx", sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở B", 3]]))
    assert client.post(reverse("admin:rankings_importlog_import"),
                       {"year": 2024, "agency_group": "so-ban-nganh", "file": sheet}).status_code == 403
    assert client.get(reverse("admin:rankings_importlog_file", args=[1])).status_code == 403
    with pytest.raises(PermissionDenied):
        apply_import(content=sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở B", 3]]), filename="x.xlsx", year=e["year"],
                     agency_group=e["block"], user=linked)
    assert Score.objects.get(pk=e["scores"]["b"].pk).value == 18


def test_the_method_page_counts_scores_an_import_created_after_publication(evaluation):
    e = evaluation
    Score.objects.filter(agency=e["b"]).delete()
    call_command("publish", "2024", *factories.DECISION)
    call_command("unpublish", "2024", "--reason", "bổ sung điểm Sở B")
    apply_import(content=sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở B", 19]]), filename="bo-sung.xlsx",
                 year=e["year"], agency_group=e["block"], user=None)
    call_command("publish", "2024", *factories.DECISION)
    assert publication_record(EvaluationYear.objects.get(year=2024)).changed_since


def test_criteria_are_not_imported_into_a_published_year(evaluation, tmp_path):
    call_command("publish", "2024", *factories.DECISION)
    sheet = tmp_path / "tieu-chi.xlsx"
    sheet.write_bytes(sheets.xlsx([["Mã", "Tên", "Nhóm", "Điểm tối đa"], ["9.9", "Mới", "policy", 5]]))
    other = factories.agency_group(slug="khoi-moi")
    with pytest.raises(CommandError):
        call_command("import_criteria", str(sheet), "--year", "2024", "--group", other.slug, stderr=io.StringIO())
    assert not Criterion.objects.filter(code="9.9").exists()


def test_a_nul_character_in_a_cookie_is_refused_not_looked_up(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00"
    response = client.get(reverse("admin:index"))
    assert response.status_code == 400 and "NUL" in response.content.decode()


@pytest.mark.parametrize(("hosts", "message"), [("", "SITE_URL"), ("*", "SITE_URL"), (".example.vn", "SITE_URL")])
def test_production_needs_a_site_address_it_can_name(hosts, message):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": hosts,
            "DATABASE_URL": "sqlite:////tmp/x.sqlite3", "REDIS_URL": "redis://127.0.0.1:6379/14"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True, cwd=settings.BASE_DIR, timeout=60)
    assert result.returncode != 0 and f"Set the {message} environment variable" in result.stderr


def test_the_score_list_offers_only_the_buttons_its_reader_can_use(client, evaluation):
    e = evaluation
    for user, import_shown, export_shown in [(e["reporter"], False, False), (e["appraiser"], False, True),
                                             (e["ict"], True, True)]:
        client.force_login(user)
        page = client.get(reverse("admin:rankings_score_changelist")).content.decode()
        assert (reverse("admin:rankings_importlog_import") in page) is import_shown
        assert (reverse("admin:rankings_importlog_export") in page) is export_shown
