"""The evaluation round agency by agency (rankings.rounds): submission, appraisal, explanations, deadlines and the
e-mails each step sends through a real SMTP server; each refusal of the issue; the round's admin screens."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from criteria.models import EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status
from rankings import rounds
from rankings.models import AgencyRound, Explanation, Score
from rankings.publication import completeness, publish_year
from rankings.services import save_agency_scores
from tests import factories

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status


class Round:
    """A block with agencies A and B, a year open for self-assessment with two criteria (points, and a ratio)."""

    def __init__(self):
        today = timezone.localdate()
        self.block = factories.agency_group(name="Sở, ban, ngành")
        self.a = factories.agency(self.block, name="Sở A")
        self.b = factories.agency(self.block, name="Sở B")
        self.year = factories.evaluation_year(
            2026, status=Status.SELF_ASSESSMENT, self_assessment_deadline=today + timedelta(days=10),
            appraisal_deadline=today + timedelta(days=20), explanation_deadline=today + timedelta(days=30))
        self.points = factories.criterion(self.year, self.block, "1.1", 20)
        self.ratio = factories.criterion(self.year, self.block, "3.1", 10, "online_services", rule=Rule.RATIO)
        self.people = factories.People()
        self.reporter_a, self.reporter_b = self.people.reporter(self.a), self.people.reporter(self.b)
        self.appraiser, self.ict = self.people.appraiser, self.people.ict

    def self_assess(self, agency, reporter):
        """Every criterion self-assessed: 1.1 with an evidence link, 3.1 with an account of how it was scored."""
        save_agency_scores(agency=agency, year=self.year, user=reporter, changes={
            self.points.pk: {"self_assessed": Decimal(15), "evidence_url": "https://minh-chung.example/1"},
            self.ratio.pk: {"reported_numerator": Decimal(8), "reported_denominator": Decimal(10),
                            "scoring_note": "Theo báo cáo của hệ thống một cửa"},
        })

    def move(self, stage):
        self.year = change_year_status(year=self.year, status=stage, user=self.ict, reason="Thử lùi giai đoạn")


@pytest.fixture
def world():
    return Round()


def test_a_submission_needs_every_criterion_and_evidence_or_an_account(world):
    with pytest.raises(ValidationError, match="1.1, 3.1"):
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    save_agency_scores(agency=world.a, year=world.year, user=world.reporter_a,
                       changes={world.points.pk: {"self_assessed": Decimal(15)},
                                world.ratio.pk: {"reported_numerator": Decimal(8),
                                                 "reported_denominator": Decimal(10)}})
    with pytest.raises(ValidationError) as refused:
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    assert "1.1, 3.1" in str(refused.value) and not AgencyRound.objects.filter(submitted_at__isnull=False).exists()
    world.self_assess(world.a, world.reporter_a)
    assert rounds.progress_of_agency(world.year, world.a).lacking_evidence == []
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    assert rounds.progress_of_agency(world.year, world.a).state == rounds.State.SUBMITTED


def test_a_submission_locks_the_self_assessment_until_ict_staff_reopen_it_with_a_reason(world):
    world.self_assess(world.a, world.reporter_a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    with pytest.raises(PermissionDenied):
        world.self_assess(world.a, world.reporter_a)
    with pytest.raises(ValidationError, match="rồi"):
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    with pytest.raises(PermissionDenied):
        rounds.reopen(agency=world.a, year=world.year, user=world.reporter_a, reason="xin sửa")
    with pytest.raises(ValidationError):
        rounds.reopen(agency=world.a, year=world.year, user=world.ict, reason="  ")
    rounds.reopen(agency=world.a, year=world.year, user=world.ict, reason="Thiếu minh chứng tiêu chí 1.1")
    world.self_assess(world.a, world.reporter_a)  # open again
    record = AgencyRound.objects.get(agency=world.a)
    assert record.reopen_reason == "Thiếu minh chứng tiêu chí 1.1"
    assert record.history.first().history_change_reason == "Thiếu minh chứng tiêu chí 1.1"


def test_nobody_submits_for_another_agency_nor_outside_the_stage_nor_after_the_deadline(world):
    world.self_assess(world.a, world.reporter_a)
    with pytest.raises(PermissionDenied):
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_b)
    with pytest.raises(PermissionDenied):
        rounds.submit(agency=world.a, year=world.year, user=world.appraiser)
    EvaluationYear.objects.filter(pk=world.year.pk).update(self_assessment_deadline=date.today() - timedelta(days=2))
    world.year.refresh_from_db()
    with pytest.raises(ValidationError, match="gia hạn"):
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    with pytest.raises(PermissionDenied):  # past the deadline, the reporter changes nothing more
        world.self_assess(world.a, world.reporter_a)
    world.move(Status.APPRAISAL)
    with pytest.raises(ValidationError, match="giai đoạn"):
        rounds.submit(agency=world.a, year=world.year, user=world.ict)


def test_appraisers_accept_one_criterion_or_all_and_finish_only_a_complete_submitted_appraisal(world):
    world.self_assess(world.a, world.reporter_a)
    world.move(Status.APPRAISAL)
    with pytest.raises(ValidationError, match="chưa gửi"):  # B never submitted
        rounds.accept_self_assessment(agency=world.b, year=world.year, user=world.appraiser)
    world.move(Status.SELF_ASSESSMENT)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    world.move(Status.APPRAISAL)
    with pytest.raises(PermissionDenied):
        rounds.accept_self_assessment(agency=world.a, year=world.year, user=world.reporter_a)
    assert rounds.accept_self_assessment(agency=world.a, year=world.year, user=world.appraiser,
                                         criterion_ids={world.points.pk}) == 1
    with pytest.raises(ValidationError, match="3.1"):
        rounds.finish_appraisal(agency=world.a, year=world.year, user=world.appraiser)
    save_agency_scores(agency=world.a, year=world.year, user=world.appraiser,
                       changes={world.points.pk: {"value": Decimal(12), "appraisal_comment": "Thiếu văn bản"}})
    assert rounds.accept_self_assessment(agency=world.a, year=world.year, user=world.appraiser) == 1  # 3.1 only
    assert Score.objects.get(agency=world.a, criterion=world.points).value == Decimal(12)  # the adjustment stays
    score = Score.objects.get(agency=world.a, criterion=world.ratio)
    assert (score.numerator, score.denominator, score.value) == (Decimal(8), Decimal(10), Decimal(8))
    rounds.finish_appraisal(agency=world.a, year=world.year, user=world.appraiser)
    with pytest.raises(PermissionDenied):  # a finished appraisal is closed to appraisers
        save_agency_scores(agency=world.a, year=world.year, user=world.appraiser,
                           changes={world.points.pk: {"value": Decimal(1), "appraisal_comment": "đổi"}})


def appraised(world):
    world.self_assess(world.a, world.reporter_a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    world.move(Status.APPRAISAL)
    rounds.accept_self_assessment(agency=world.a, year=world.year, user=world.appraiser)
    save_agency_scores(agency=world.a, year=world.year, user=world.appraiser,
                       changes={world.points.pk: {"value": Decimal(10), "appraisal_comment": "Thiếu văn bản"}})
    rounds.finish_appraisal(agency=world.a, year=world.year, user=world.appraiser)
    world.move(Status.EXPLANATION)


def test_an_explanation_is_filed_by_the_agency_once_per_criterion_and_answered_with_a_reason(world):
    appraised(world)
    with pytest.raises(PermissionDenied):
        rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text="x",
                                user=world.reporter_b)
    with pytest.raises(ValidationError):
        rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text=" ",
                                user=world.reporter_a)
    explanation = rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points,
                                          text="Đã ban hành văn bản số 12", user=world.reporter_a,
                                          evidence_url="https://minh-chung.example/12")
    with pytest.raises(ValidationError, match="rồi"):
        rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text="lần 2",
                                user=world.reporter_a)
    assert completeness(world.year).unanswered == [("Sở A", "1.1")]
    with pytest.raises(PermissionDenied):
        rounds.answer_explanation(explanation=explanation, outcome="adjusted", answer="tự sửa", value=Decimal(20),
                                  user=world.reporter_a)
    with pytest.raises(ValidationError):
        rounds.answer_explanation(explanation=explanation, outcome="adjusted", answer="", value=Decimal(14),
                                  user=world.appraiser)
    with pytest.raises(ValidationError, match="tối đa"):
        rounds.answer_explanation(explanation=explanation, outcome="adjusted", answer="Đúng", value=Decimal(25),
                                  user=world.appraiser)
    rounds.answer_explanation(explanation=explanation, outcome="adjusted", answer="Văn bản hợp lệ",
                              value=Decimal(14), user=world.appraiser)
    explanation.refresh_from_db()
    score = Score.objects.get(agency=world.a, criterion=world.points)
    assert (explanation.value_before, score.value, score.appraisal_comment) == (Decimal(10), Decimal(14),
                                                                                 "Văn bản hợp lệ")
    with pytest.raises(ValidationError, match="rồi"):
        rounds.answer_explanation(explanation=explanation, outcome="kept", answer="x", user=world.appraiser)
    assert completeness(world.year).unanswered == []
    assert explanation.history.count() == 2  # filed, answered


def test_explanations_close_with_their_deadline_and_their_stage(world):
    appraised(world)
    EvaluationYear.objects.filter(pk=world.year.pk).update(explanation_deadline=date.today() - timedelta(days=1))
    world.year.refresh_from_db()
    with pytest.raises(ValidationError, match="gia hạn"):
        rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text="muộn",
                                user=world.reporter_a)
    world.move(Status.APPRAISAL)
    with pytest.raises(ValidationError, match="giai đoạn"):
        rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text="sớm",
                                user=world.reporter_a)
    assert not Explanation.objects.exists()


def test_an_unanswered_explanation_holds_publication_back_without_a_reason(world):
    appraised(world)
    rounds.file_explanation(agency=world.a, year=world.year, criterion=world.points, text="Xin xem lại",
                            user=world.reporter_a)
    with pytest.raises(ValidationError, match="1.1"):
        publish_year(year=world.year, decision_number="5/QĐ-UBND", signed_on=date(2027, 3, 1), user=world.ict)


def test_each_step_sends_its_email_through_the_smtp_server(world, smtp_server, django_capture_on_commit_callbacks):
    def step(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    reporter, appraiser, ict = world.reporter_a.email, world.appraiser.email, world.ict.email
    step(change_year_status, year=world.year, status=Status.DRAFT, user=world.ict, reason="Sửa tiêu chí")
    step(change_year_status, year=world.year, status=Status.SELF_ASSESSMENT, user=world.ict)
    assert any("Mở tự đánh giá" in s for s in smtp_server.subjects(reporter))
    assert smtp_server.to(world.reporter_b.email) and not smtp_server.to(appraiser)
    opening = smtp_server.to(reporter)[0].get_content()
    assert "Hạn chót" in opening and "/admin/" in opening
    world.self_assess(world.a, world.reporter_a)
    step(rounds.submit, agency=world.a, year=world.year, user=world.reporter_a)
    assert smtp_server.subjects(appraiser) == ["Sở A đã gửi bản tự đánh giá năm 2026"]
    assert "Sở A đã gửi bản tự đánh giá năm 2026" in smtp_server.subjects(ict)
    world.year = step(change_year_status, year=world.year, status=Status.APPRAISAL, user=world.ict)
    step(rounds.accept_self_assessment, agency=world.a, year=world.year, user=world.appraiser)
    step(rounds.finish_appraisal, agency=world.a, year=world.year, user=world.appraiser)
    assert any("Đã hoàn thành thẩm định Sở A" in s for s in smtp_server.subjects(reporter))
    world.year = step(change_year_status, year=world.year, status=Status.EXPLANATION, user=world.ict)
    explanation = step(rounds.file_explanation, agency=world.a, year=world.year, criterion=world.points,
                       text="Xin xem lại", user=world.reporter_a)
    assert any("giải trình tiêu chí 1.1" in s for s in smtp_server.subjects(appraiser))
    step(rounds.answer_explanation, explanation=explanation, outcome="kept", answer="Đúng quy định",
         user=world.appraiser)
    answered = [m for m in smtp_server.to(reporter) if "đã được trả lời" in str(m["Subject"])]
    assert answered and "Đúng quy định" in answered[0].get_content()
    assert all(len(m["To"].addresses) == 1 for m in smtp_server.messages)  # nobody sees the others' addresses


def test_reminders_go_to_those_who_still_have_to_act_a_few_days_before_the_deadline(
        world, smtp_server, django_capture_on_commit_callbacks):
    world.self_assess(world.a, world.reporter_a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")  # ten days before: nobody yet
    assert smtp_server.messages == []
    EvaluationYear.objects.filter(pk=world.year.pk).update(self_assessment_deadline=date.today() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert smtp_server.to(world.reporter_b.email) and not smtp_server.to(world.reporter_a.email)
    reminder = smtp_server.to(world.reporter_b.email)[0]
    assert "Nhắc việc" in str(reminder["Subject"]) and "Sở B" in reminder.get_content()


def test_a_mail_server_that_is_down_does_not_undo_or_break_the_step(world, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    world.self_assess(world.a, world.reporter_a)
    with django_capture_on_commit_callbacks(execute=True):
        rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    assert AgencyRound.objects.get(agency=world.a).submitted_at is not None


def test_deadlines_follow_the_stages(world):
    world.year.appraisal_deadline = world.year.self_assessment_deadline - timedelta(days=1)
    with pytest.raises(ValidationError):
        world.year.full_clean()


# The screens


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_reporter_lands_on_its_agencys_self_assessment_and_sees_what_is_left(world):
    world.self_assess(world.a, world.reporter_a)
    client = login(world.reporter_a)
    response = client.get(reverse("admin:index"), follow=True)
    entry = reverse("admin:rankings_score_entry_form", args=[world.a.pk, world.year.year])
    assert response.redirect_chain[-1][0] == entry
    page = response.content.decode()
    assert "2/2" in page and "Hạn chót" in page and "Gửi bản tự đánh giá" in page
    assert "Nhập điểm từ bảng tính" not in page
    response = client.post(reverse("admin:rankings_round_step", args=[world.a.pk, world.year.year, "submit"]),
                           follow=True)
    page = response.content.decode()
    assert "Đã gửi bản tự đánh giá của Sở A" in page and "Gửi bản tự đánh giá" not in page.split("</h2>", 2)[-1]
    field = page.split(f'name="self_assessed_{world.points.pk}"')[1].split(">")[0]
    assert "disabled" in field  # locked once submitted


def test_a_reporter_sees_no_appraised_score_before_the_explanation_stage(world):
    world.self_assess(world.a, world.reporter_a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    world.move(Status.APPRAISAL)
    save_agency_scores(agency=world.a, year=world.year, user=world.appraiser,
                       changes={world.points.pk: {"value": Decimal(3), "appraisal_comment": "NHAN-XET-DANG-THAM-DINH"}})
    client = login(world.reporter_a)
    entry = reverse("admin:rankings_score_entry_form", args=[world.a.pk, world.year.year])
    assert "NHAN-XET-DANG-THAM-DINH" not in client.get(entry).content.decode()
    explanations = reverse("admin:rankings_explanations", args=[world.a.pk, world.year.year])
    assert client.get(explanations).status_code == 403


def test_the_board_shows_each_agency_where_it_stands_to_ict_staff_and_appraisers_only(world):
    world.self_assess(world.a, world.reporter_a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    board = reverse("admin:rankings_round_board", args=[world.year.year])
    page = login(world.ict).get(board).content.decode()
    assert "Đã gửi, chờ thẩm định" in page and "Chưa bắt đầu" in page and "Sở B" in page
    assert login(world.appraiser).get(board).status_code == 200
    assert login(world.reporter_a).get(board).status_code == 403


def test_an_error_marks_its_row(world):
    client = login(world.reporter_a)
    entry = reverse("admin:rankings_score_entry_form", args=[world.a.pk, world.year.year])
    page = client.get(entry).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]
    response = client.post(entry, {"version": version, f"self_assessed_{world.points.pk}": "99"})
    page = response.content.decode()
    row = page.split(f'id="criterion-{world.points.pk}"')[0].rsplit("<tr", 1)[1]
    assert "row-error" in row and "Hãy sửa dòng này" in page
