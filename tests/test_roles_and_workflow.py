"""Who may do what, year by year: one test per permission boundary, through the test client."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from criteria.models import EvaluationYear
from rankings import roles
from rankings.models import Score
from tests import factories, sheets

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status


@pytest.fixture
def evaluation(people):
    """A block with agencies A and B, a year open for self-assessment, and one user per role."""
    group = factories.agency_group(slug="so-ban-nganh")
    year = factories.evaluation_year(2020, published=False, status=Status.SELF_ASSESSMENT)
    criteria = [factories.criterion(year, group, "1.1", 20), factories.criterion(year, group, "1.2", 30)]
    a, b = factories.agency(group, name="Sở A"), factories.agency(group, name="Sở B")
    return {"year": year, "criteria": criteria, "a": a, "b": b, "people": people,
            "reporter": people.reporter(a), "appraiser": people.appraiser, "ict": people.ict}


def entry_url(agency, year):
    return reverse("admin:rankings_score_entry_form", kwargs={"agency_id": agency.pk, "year": year.year})


def save(client, agency, year, values, **extra):
    url = entry_url(agency, year)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, {"version": page.context["form"]["version"].value(), **values}, **extra)


def set_status(year, status):
    EvaluationYear.objects.filter(pk=year.pk).update(status=status)
    year.refresh_from_db()


def as_user(client, user):
    client.force_login(user)
    return client


# Agency reporters


def test_a_reporter_enters_their_own_self_assessment_while_the_year_is_open(client, evaluation):
    e = evaluation
    c1, c2 = e["criteria"]
    as_user(client, e["reporter"])
    save(client, e["a"], e["year"], {f"self_assessed_{c1.pk}": "15,5", f"evidence_url_{c1.pk}": "https://so-a.gov.vn/kh",
                                     f"value_{c1.pk}": "20"})
    score = Score.objects.get()
    assert (score.self_assessed, score.evidence_url) == (Decimal("15.50"), "https://so-a.gov.vn/kh")
    assert score.value is None  # the appraised field is not theirs: what was posted for it is ignored


def test_a_reporter_can_neither_list_view_nor_change_another_agencys_scores(client, evaluation):
    e = evaluation
    factories.score(e["b"], e["criteria"][0], 7)
    as_user(client, e["reporter"])
    listing = client.get(reverse("admin:rankings_score_changelist"))
    assert listing.status_code == 200 and "Sở B" not in listing.content.decode()
    assert client.get(entry_url(e["b"], e["year"])).status_code == 403
    assert client.post(entry_url(e["b"], e["year"]), {f"self_assessed_{e['criteria'][0].pk}": "1"}).status_code == 403
    other = Score.objects.get()
    assert client.get(reverse("admin:rankings_score_change", args=[other.pk])).status_code in (302, 403, 404)
    assert Score.objects.get().value == 7


def test_a_reporter_cannot_import_export_read_import_logs_or_publish(client, evaluation):
    e = evaluation
    as_user(client, e["reporter"])
    upload = SimpleUploadedFile("x.xlsx", sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở B", 1]]))
    assert client.post(reverse("admin:rankings_importlog_import"),
                       {"year": "2020", "agency_group": "so-ban-nganh", "file": upload}).status_code == 403
    assert client.get(reverse("admin:rankings_importlog_export"),
                      {"year": "2020", "agency_group": "so-ban-nganh", "format": "csv"}).status_code == 403
    assert client.get(reverse("admin:rankings_importlog_changelist")).status_code == 403
    client.post(reverse("admin:criteria_evaluationyear_changelist"),
                {"action": "publish", "_selected_action": [e["year"].pk]})
    e["year"].refresh_from_db()
    assert e["year"].status == Status.SELF_ASSESSMENT
    assert not Score.objects.exists()


def test_a_reporter_cannot_change_anything_once_the_year_is_under_appraisal(client, evaluation):
    e = evaluation
    set_status(e["year"], Status.APPRAISAL)
    as_user(client, e["reporter"])
    assert client.get(entry_url(e["a"], e["year"])).status_code == 200  # may still look
    response = client.post(entry_url(e["a"], e["year"]), {f"self_assessed_{e['criteria'][0].pk}": "1"})
    assert response.status_code == 403 and not Score.objects.exists()


def test_evidence_files_are_type_checked_and_served_only_to_those_allowed(client, evaluation, django_user_model):
    e = evaluation
    c1 = e["criteria"][0]
    as_user(client, e["reporter"])
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")
    response = save(client, e["a"], e["year"], {f"evidence_file_{c1.pk}": fake})
    assert "Minh chứng phải là tệp PDF" in response.content.decode() and not Score.objects.exists()

    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 evidence")
    save(client, e["a"], e["year"], {f"evidence_file_{c1.pk}": pdf, f"self_assessed_{c1.pk}": "3"})
    score = Score.objects.get()
    url = reverse("admin:rankings_score_evidence", args=[score.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 evidence"
    assert b"".join(as_user(client, e["appraiser"]).get(url).streaming_content) == b"%PDF-1.4 evidence"

    assert as_user(client, e["people"].reporter(e["b"])).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    with pytest.raises(ValueError):
        score.evidence_file.url  # no public address at all  # noqa: B018


# Appraisers


def test_an_appraiser_sets_the_appraised_value_with_a_comment_when_it_differs(client, evaluation):
    e = evaluation
    c1 = e["criteria"][0]
    factories.score(e["a"], c1, None)
    Score.objects.update(self_assessed=18)
    set_status(e["year"], Status.APPRAISAL)
    as_user(client, e["appraiser"])
    refused = save(client, e["a"], e["year"], {f"value_{c1.pk}": "15"})
    assert "giải thích" in refused.content.decode() and Score.objects.get().value is None
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "15", f"appraisal_comment_{c1.pk}": "Thiếu minh chứng."})
    score = Score.objects.get()
    assert (score.value, score.appraisal_comment, score.self_assessed) == (15, "Thiếu minh chứng.", 18)


def test_an_appraiser_cannot_publish(client, evaluation):
    e = evaluation
    set_status(e["year"], Status.APPRAISAL)
    as_user(client, e["appraiser"])
    client.post(reverse("admin:criteria_evaluationyear_changelist"),
                {"action": "publish", "_selected_action": [e["year"].pk]})
    e["year"].refresh_from_db()
    assert e["year"].status == Status.APPRAISAL
    assert not e["appraiser"].has_perm("criteria.publish_evaluationyear")


# ICT staff, publication and the frozen year


def test_ict_staff_publish_and_a_published_year_refuses_edits_until_unpublished(client, evaluation):
    e = evaluation
    c1 = e["criteria"][0]
    as_user(client, e["ict"])
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "10"})
    response = client.post(reverse("admin:criteria_evaluationyear_changelist"),
                           {"action": "publish", "_selected_action": [e["year"].pk]})
    confirm = reverse("admin:rankings_publish", args=[e["year"].year])
    assert response["Location"] == confirm
    assert "Sở B" in client.get(confirm).content.decode()  # still missing: the page says so
    decision = {"decision_number": "15/QĐ-UBND", "signed_on": "2021-03-01"}
    assert "hãy ghi lý do" in client.post(confirm, decision).content.decode()  # incomplete: refused without reason
    e["year"].refresh_from_db()
    assert e["year"].status != Status.PUBLISHED
    client.post(confirm, {**decision, "incomplete_reason": "Sở B không nộp báo cáo"})
    e["year"].refresh_from_db()
    assert e["year"].status == Status.PUBLISHED and e["year"].published_on
    assert (e["year"].decision_number, e["year"].incomplete_reason) == ("15/QĐ-UBND", "Sở B không nộp báo cáo")

    page = client.get(entry_url(e["a"], e["year"]))
    assert "Năm đã công bố" in page.content.decode()
    assert client.post(entry_url(e["a"], e["year"]), {f"value_{c1.pk}": "11"}).status_code == 403
    path = settings.MEDIA_ROOT / "sheet.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sheets.xlsx([["Tên cơ quan", "1.1"], ["Sở A", 12]]))
    with pytest.raises(CommandError):
        call_command("import_scores", str(path), "--year", "2020", "--group", "so-ban-nganh")
    assert Score.objects.get().value == 10

    with pytest.raises(CommandError, match="reason"):
        call_command("unpublish", "2020")
    call_command("unpublish", "2020", "--reason", "Sai điểm tiêu chí 1.1 của Sở A")
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "11"})
    assert Score.objects.get().value == 11
    reasons = list(e["year"].history.values_list("history_change_reason", flat=True))
    assert "Sai điểm tiêu chí 1.1 của Sở A" in reasons


def test_the_history_records_who_changed_which_value_when(client, evaluation):
    e = evaluation
    c1 = e["criteria"][0]
    as_user(client, e["ict"])
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "10"})
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "12,5"})
    records = Score.history.order_by("history_date").values_list("history_user__username", "value", "history_type")
    records = list(records)
    assert records == [("ict", Decimal("10.00"), "+"), ("ict", Decimal("12.50"), "~")]
    history_page = client.get(reverse("admin:rankings_score_history", args=[Score.objects.get().pk]))
    assert history_page.status_code == 200 and "12,5" in history_page.content.decode()


def test_a_save_over_someone_elses_newer_save_is_refused(client, evaluation):
    e = evaluation
    c1 = e["criteria"][0]
    as_user(client, e["ict"])
    url = entry_url(e["a"], e["year"])
    stale_version = client.get(url).context["form"]["version"].value()
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "10"})  # a colleague, meanwhile
    response = client.post(url, {"version": stale_version, f"value_{c1.pk}": "5"})
    assert "Có người khác đã lưu" in response.content.decode()
    assert Score.objects.get().value == 10


# Everybody else


def test_anonymous_visitors_are_sent_to_the_login_page(client, evaluation):
    for url in [reverse("admin:rankings_score_changelist"), entry_url(evaluation["a"], evaluation["year"]),
                reverse("admin:rankings_importlog_import"), reverse("admin:rankings_importlog_changelist")]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_repeated_failed_logins_lock_the_account_out(client, django_user_model):
    django_user_model.objects.create_superuser(username="boss", password="dung-mat-khau-1")  # a name of its own
    login = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "boss", "password": "sai"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(login, {"username": "boss", "password": "dung-mat-khau-1"}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_public_pages_send_a_content_security_policy_and_carry_no_inline_script(client, demo):
    response = client.get("/rankings/2019/so-ban-nganh/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "unsafe-eval" not in policy
    assert "<script" not in response.content.decode()


def test_production_settings_pass_the_deployment_check():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for the browser tests
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "k8Jq2-very-long-and-random-secret-Zx81pQ0aLm3nVb7yTr5uWe9oIp4sDf6gHj",
            "ALLOWED_HOSTS": "cqdt.example.vn", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "REDIS_URL": "redis://127.0.0.1:6379/14"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_roles_are_set_up_by_the_command_too(db):
    Group.objects.all().delete()
    call_command("setup_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == {roles.ICT_STAFF, roles.APPRAISERS, roles.REPORTERS}
    reporters = Group.objects.get(name=roles.REPORTERS)
    assert set(reporters.permissions.values_list("codename", flat=True)) == {"view_score", "report_score"}


def test_a_published_year_is_frozen_in_the_model_too(evaluation):
    e = evaluation
    EvaluationYear.objects.filter(pk=e["year"].pk).update(status=Status.PUBLISHED, published_on="2021-05-01")
    e["year"].refresh_from_db()
    score = Score(agency=e["a"], criterion=e["criteria"][0], value=Decimal(1))
    with pytest.raises(ValidationError) as error:
        score.full_clean()
    assert "hủy công bố" in error.value.messages[0]


def test_the_method_page_says_when_published_results_were_corrected_and_why(
    client, evaluation, django_capture_on_commit_callbacks
):
    e = evaluation
    c1 = e["criteria"][0]
    factories.score(e["a"], c1, 10)
    call_command("publish", "2020", *factories.DECISION)
    assert "Không có thay đổi nào kể từ khi công bố" in client.get("/criteria/2020/so-ban-nganh/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # what a commit does: cached pages go stale
        call_command("unpublish", "2020", "--reason", "Sở A bổ sung minh chứng tiêu chí 1.1")
    assert client.get("/criteria/2020/so-ban-nganh/").status_code == 404  # gone while unpublished
    as_user(client, e["ict"])
    save(client, e["a"], e["year"], {f"value_{c1.pk}": "14"})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish", "2020", *factories.DECISION)
    page = client.get("/criteria/2020/so-ban-nganh/").content.decode()
    assert "đã được điều chỉnh sau khi công bố lần đầu" in page
    assert "Sở A bổ sung minh chứng tiêu chí 1.1" in page
