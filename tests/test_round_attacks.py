"""Attacks on the evaluation round (rankings.rounds, round_views, entry, notifications, publication) by ordinary
logged-in users: each test states one attack and asserts the secure outcome — a refusal with a clear answer (never a
500) and nothing changed in the database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from criteria.models import EvaluationYear
from criteria.rules import Rule
from criteria.services import change_year_status
from rankings import rounds
from rankings.models import AgencyRound, Explanation, Participant, Score
from rankings.services import SCORE_FIELDS, save_agency_scores, scores_version, version_fields
from tests import factories

pytestmark = pytest.mark.django_db
Status = EvaluationYear.Status

SECRET_A = "NHAN-XET-THAM-DINH-CUA-SO-A"  # the appraiser's comment on agency A's criterion 1.1
SECRET_B = "NHAN-XET-THAM-DINH-CUA-SO-B"
VALUE_A = Decimal("7.13")  # agency A's appraised score on 1.1: "7,13" on the pages


class World:
    """Agencies A and B of one block, C of another; a published 2025 and a 2026 open for self-assessment with a
    points criterion 1.1 and a ratio 3.1 (and 9.9 in C's block)."""

    def __init__(self):
        today = timezone.localdate()
        self.block = factories.agency_group(name="Sở, ban, ngành")
        self.other_block = factories.agency_group(name="UBND cấp xã")
        self.a = factories.agency(self.block, name="Sở A")
        self.b = factories.agency(self.block, name="Sở B")
        self.c = factories.agency(self.other_block, name="UBND xã C")
        self.old_year = factories.evaluation_year(2025)
        self.old_criterion = factories.criterion(self.old_year, self.block, "1.1", 20)
        self.year = factories.evaluation_year(
            2026, status=Status.SELF_ASSESSMENT, self_assessment_deadline=today + timedelta(days=10),
            appraisal_deadline=today + timedelta(days=20), explanation_deadline=today + timedelta(days=30))
        self.points = factories.criterion(self.year, self.block, "1.1", 20)
        self.ratio = factories.criterion(self.year, self.block, "3.1", 10, "online_services", rule=Rule.RATIO)
        self.foreign = factories.criterion(self.year, self.other_block, "9.9", 10)
        self.people = factories.People()
        self.reporter_a, self.reporter_b = self.people.reporter(self.a), self.people.reporter(self.b)
        self.appraiser, self.ict = self.people.appraiser, self.people.ict

    # The round's steps, done the legitimate way.

    def self_assess(self, agency):
        save_agency_scores(agency=agency, year=self.year, user=self.people.reporter(agency), changes={
            self.points.pk: {"self_assessed": Decimal(15), "evidence_url": "https://minh-chung.example/1"},
            self.ratio.pk: {"reported_numerator": Decimal(8), "reported_denominator": Decimal(10),
                            "scoring_note": "Theo hệ thống một cửa"},
        })

    def move(self, stage):
        self.year = change_year_status(year=self.year, status=stage, user=self.ict, reason="Thử giai đoạn")

    def submitted(self, *agencies):
        for agency in agencies:
            self.self_assess(agency)
            rounds.submit(agency=agency, year=self.year, user=self.people.reporter(agency))
        self.move(Status.APPRAISAL)

    def appraise(self, agency, value, comment, finish=True):
        rounds.accept_self_assessment(agency=agency, year=self.year, user=self.appraiser)
        save_agency_scores(agency=agency, year=self.year, user=self.appraiser,
                           changes={self.points.pk: {"value": value, "appraisal_comment": comment}})
        if finish:
            rounds.finish_appraisal(agency=agency, year=self.year, user=self.appraiser)

    def in_appraisal(self):
        """A and B submitted; A appraised (7,13 with a secret comment on 1.1) but not yet finished."""
        self.submitted(self.a, self.b)
        self.appraise(self.a, VALUE_A, SECRET_A, finish=False)

    def in_explanation(self):
        """A and B submitted, appraised and finished; the explanation stage is open."""
        self.submitted(self.a, self.b)
        self.appraise(self.a, VALUE_A, SECRET_A)
        self.appraise(self.b, Decimal("4.44"), SECRET_B)
        self.move(Status.EXPLANATION)

    def explain(self, agency, criterion=None, text="Xin xem lại"):
        return rounds.file_explanation(agency=agency, year=self.year, criterion=criterion or self.points, text=text,
                                       user=self.people.reporter(agency))

    def old_explanation(self, agency):
        """An explanation of the published 2025 (written straight to the database: only its id matters)."""
        factories.participant(self.old_year, agency)
        score = Score.objects.create(agency=agency, criterion=self.old_criterion, self_assessed=10, value=9,
                                     appraisal_comment="2025")
        return Explanation.objects.create(score=score, text="Giải trình năm 2025")

    def past_deadline(self, field):
        EvaluationYear.objects.filter(pk=self.year.pk).update(**{field: timezone.localdate() - timedelta(days=1)})
        self.year.refresh_from_db()


@pytest.fixture
def world():
    return World()


def login(user):
    client = Client()
    client.force_login(user)
    return client


def snapshot():
    """Everything the round writes: scores, progress, explanations, years (and their participants)."""
    return [list(model.objects.order_by("pk").values())
            for model in (Score, AgencyRound, Explanation, EvaluationYear, Participant)]


def entry(agency, year):
    return reverse("admin:rankings_score_entry_form", args=[agency.pk, year.year])


def step(agency, year, name):
    return reverse("admin:rankings_round_step", args=[agency.pk, year.year, name])


def explanations(agency, year):
    return reverse("admin:rankings_explanations", args=[agency.pk, year.year])


def errors_of(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def entry_post(world, agency, user=None, **extra):
    """The entry form as its page posts it to `user` (or to ICT staff and appraisers), with the stored values, plus
    `extra`."""
    fields = version_fields(user, agency, world.year) if user else SCORE_FIELDS
    data = {"version": scores_version(agency, world.year, fields)}
    for score in Score.objects.filter(agency=agency, criterion__year=world.year):
        for name in ("self_assessed", "value", "reported_numerator", "reported_denominator", "numerator",
                     "denominator"):
            if getattr(score, name) is not None:
                data[f"{name}_{score.criterion_id}"] = str(getattr(score, name)).replace(".", ",")
        for name in ("evidence_url", "scoring_note", "appraisal_comment", "not_applicable_reason"):
            data[f"{name}_{score.criterion_id}"] = getattr(score, name)
        if score.not_applicable:
            data[f"not_applicable_{score.criterion_id}"] = "on"
    return {**data, **extra}


def shows(page, *secrets):
    return [s for s in secrets if s in page]


# A reporter of agency A against agency B


@pytest.mark.parametrize("name", ["submit", "reopen", "finish"])
def test_a_reporter_cannot_run_a_step_of_another_agencys_round(world, name):
    """Reporter A posts submit / reopen / finish on B's round, in the stage where each step is possible."""
    world.self_assess(world.b)
    if name != "submit":
        rounds.submit(agency=world.b, year=world.year, user=world.reporter_b)
    if name == "finish":
        world.move(Status.APPRAISAL)
        rounds.accept_self_assessment(agency=world.b, year=world.year, user=world.appraiser)
    before = snapshot()
    response = login(world.reporter_a).post(step(world.b, world.year, name), {"reason": "Sở A mở lại"})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_reporter_cannot_read_nor_post_to_another_agencys_explanations(world):
    """Reporter A opens B's explanations page, files an explanation on it, and answers B's explanation there."""
    world.in_explanation()
    explanation = world.explain(world.b)
    before = snapshot()
    client = login(world.reporter_a)
    url = explanations(world.b, world.year)
    assert client.get(url).status_code == 403
    assert client.post(url, {"criterion": world.ratio.pk, "text": "Sở A giải trình thay"}).status_code == 403
    assert client.post(url, {"explanation": explanation.pk, "outcome": "adjusted", "answer": "x",
                             "value": "20"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("which", ["other block", "other year", "not a number", "missing", "huge id"])
def test_a_reporter_cannot_explain_a_criterion_outside_its_own_appraised_ones(world, which):
    """Reporter A posts a crafted `criterion` on its own explanations page: another block's criterion, last year's,
    junk, none, an id too big for the database."""
    world.in_explanation()
    criterion = {"other block": world.foreign.pk, "other year": world.old_criterion.pk, "not a number": "abc",
                 "missing": None, "huge id": str(10 ** 30)}[which]
    before = snapshot()
    data = {"text": "Giải trình"} | ({"criterion": criterion} if criterion is not None else {})
    response = login(world.reporter_a).post(explanations(world.a, world.year), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot() == before


def test_a_reporter_cannot_explain_the_same_criterion_twice_by_replaying_the_post(world):
    """Reporter A replays the POST that filed its explanation of 1.1."""
    world.in_explanation()
    client = login(world.reporter_a)
    data = {"criterion": world.points.pk, "text": "Xin xem lại"}
    assert client.post(explanations(world.a, world.year), data).status_code == 302
    before = snapshot()
    response = client.post(explanations(world.a, world.year), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("whose", ["own", "other agency", "other year"])
def test_a_reporter_cannot_answer_any_explanation(world, whose):
    """Reporter A posts an answer (score adjusted to the maximum) on its own page: to its own explanation, to B's,
    to one of 2025."""
    world.in_explanation()
    explanation = {"own": lambda: world.explain(world.a), "other agency": lambda: world.explain(world.b),
                   "other year": lambda: world.old_explanation(world.a)}[whose]()
    before = snapshot()
    response = login(world.reporter_a).post(explanations(world.a, world.year), {
        "explanation": explanation.pk, "outcome": "adjusted", "answer": "Tự chấm lại", "value": "20"})
    assert response.status_code == 403
    assert snapshot() == before


# Appraisers outside their part


@pytest.mark.parametrize("whose", ["other agency", "other year"])
def test_an_appraiser_cannot_answer_an_explanation_through_another_agencys_page(world, whose):
    """The appraiser answers B's explanation (or a 2025 one of A) by posting its id on A's 2026 page."""
    world.in_explanation()
    world.explain(world.a)
    other = world.explain(world.b) if whose == "other agency" else world.old_explanation(world.a)
    before = snapshot()
    response = login(world.appraiser).post(explanations(world.a, world.year), {
        "explanation": other.pk, "outcome": "adjusted", "answer": "Điều chỉnh", "value": "1"})
    assert response.status_code == 404
    assert snapshot() == before


def test_an_appraiser_cannot_file_an_explanation(world):
    """The appraiser posts the agency's explanation form on A's page."""
    world.in_explanation()
    before = snapshot()
    response = login(world.appraiser).post(explanations(world.a, world.year),
                                           {"criterion": world.points.pk, "text": "Thẩm định viên tự giải trình"})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("accept", [None, "all", "pk"])
def test_an_appraiser_cannot_change_scores_in_the_explanation_stage(world, accept):
    """In the explanation stage the appraiser posts A's entry form with 1.1 at 20 (and an Accept button)."""
    world.in_explanation()
    before = snapshot()
    extra = {f"value_{world.points.pk}": "20", f"appraisal_comment_{world.points.pk}": "Sửa sau thẩm định"}
    if accept:
        extra["accept"] = str(world.points.pk) if accept == "pk" else accept
    response = login(world.appraiser).post(entry(world.a, world.year), entry_post(world, world.a, **extra))
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("accept", [None, "all", "pk"])
def test_an_appraiser_cannot_change_scores_after_finishing_the_appraisal(world, accept):
    """In the appraisal stage, once A's appraisal is finished, the appraiser posts A's entry form again."""
    world.submitted(world.a)
    world.appraise(world.a, VALUE_A, SECRET_A)
    before = snapshot()
    extra = {f"value_{world.points.pk}": "20", f"appraisal_comment_{world.points.pk}": "Sửa sau khi xong"}
    if accept:
        extra["accept"] = str(world.points.pk) if accept == "pk" else accept
    response = login(world.appraiser).post(entry(world.a, world.year), entry_post(world, world.a, **extra))
    assert response.status_code == 403
    assert snapshot() == before


def test_an_appraiser_cannot_finish_twice_nor_submit_nor_reopen(world):
    """The appraiser replays `finish` on a finished appraisal, and posts `submit` and `reopen` for A."""
    world.submitted(world.a)
    world.appraise(world.a, VALUE_A, SECRET_A)
    before = snapshot()
    client = login(world.appraiser)
    response = client.post(step(world.a, world.year, "finish"))
    assert response.status_code == 302 and errors_of(response)
    assert client.post(step(world.a, world.year, "submit")).status_code == 403
    assert client.post(step(world.a, world.year, "reopen"), {"reason": "Mở lại"}).status_code == 403
    assert snapshot() == before


def test_an_appraiser_cannot_accept_a_self_assessment_that_was_never_submitted(world):
    """In the appraisal stage the appraiser presses Accept all on B, which self-assessed but never submitted."""
    world.self_assess(world.b)
    world.move(Status.APPRAISAL)
    before = snapshot()
    response = login(world.appraiser).post(entry(world.b, world.year), entry_post(world, world.b, accept="all"))
    assert response.status_code == 200 and "chưa gửi bản tự đánh giá" in response.content.decode()
    assert snapshot() == before


# Replays in the wrong stage or after the deadline


def test_a_submission_replayed_after_the_deadline_or_in_another_stage_is_refused(world):
    """Reporter A posts `submit` the day after the self-assessment deadline, then in the appraisal stage."""
    world.self_assess(world.a)
    world.past_deadline("self_assessment_deadline")
    before = snapshot()
    client = login(world.reporter_a)
    response = client.post(step(world.a, world.year, "submit"))
    assert response.status_code == 302 and errors_of(response)
    assert snapshot() == before
    world.move(Status.APPRAISAL)
    before = snapshot()
    response = client.post(step(world.a, world.year, "submit"))
    assert response.status_code == 302 and errors_of(response)
    assert snapshot() == before


def test_a_self_assessment_posted_after_the_deadline_or_after_submitting_is_refused(world):
    """Reporter A posts its entry form once submitted, and (reopened) after the deadline."""
    world.self_assess(world.a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    client = login(world.reporter_a)
    data = entry_post(world, world.a, **{f"self_assessed_{world.points.pk}": "20"})
    before = snapshot()
    assert client.post(entry(world.a, world.year), data).status_code == 403
    assert snapshot() == before
    rounds.reopen(agency=world.a, year=world.year, user=world.ict, reason="Bổ sung")
    world.past_deadline("self_assessment_deadline")
    before = snapshot()
    assert client.post(entry(world.a, world.year), entry_post(world, world.a, **{
        f"self_assessed_{world.points.pk}": "20"})).status_code == 403
    assert snapshot() == before


def test_an_explanation_posted_after_its_deadline_or_before_its_stage_is_refused(world):
    """Reporter A posts an explanation the day after the explanation deadline, and during the appraisal."""
    world.in_explanation()
    world.past_deadline("explanation_deadline")
    client = login(world.reporter_a)
    before = snapshot()
    response = client.post(explanations(world.a, world.year), {"criterion": world.points.pk, "text": "Muộn"})
    assert response.status_code in (200, 403) and not Explanation.objects.exists()
    assert snapshot() == before
    world.move(Status.APPRAISAL)
    response = client.post(explanations(world.a, world.year), {"criterion": world.points.pk, "text": "Sớm"})
    assert response.status_code == 403
    assert not Explanation.objects.exists()


def test_an_answer_replayed_after_publication_or_twice_is_refused(world):
    """The appraiser replays an answer already given, then posts one once the year is published."""
    world.in_explanation()
    explanation = world.explain(world.a)
    client = login(world.appraiser)
    answer = {"explanation": explanation.pk, "outcome": "adjusted", "answer": "Điều chỉnh", "value": "12"}
    assert client.post(explanations(world.a, world.year), answer).status_code == 302
    before = snapshot()
    response = client.post(explanations(world.a, world.year), {**answer, "value": "19"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot() == before
    call_command("publish", "2026", *factories.DECISION)
    before = snapshot()
    assert client.post(explanations(world.a, world.year), {**answer, "value": "1"}).status_code == 403
    assert snapshot() == before


def test_the_appraisal_closes_with_its_deadline(world):
    """The day after the appraisal deadline the appraiser still posts A's scores, Accept all and Finish: each
    step of the round checks its stage's deadline (rankings.rounds), the appraisal's too."""
    world.submitted(world.a)
    world.past_deadline("appraisal_deadline")
    before = snapshot()
    client = login(world.appraiser)
    response = client.post(entry(world.a, world.year), entry_post(world, world.a, accept="all"))
    assert response.status_code in (302, 403) and (response.status_code == 403 or errors_of(response))
    response = client.post(step(world.a, world.year, "finish"))
    assert response.status_code in (302, 403)
    assert snapshot() == before


def test_finishing_an_appraisal_in_the_explanation_stage_is_refused(world):
    """ICT staff replay `finish` for B (never finished) once the explanation stage is open."""
    world.submitted(world.a, world.b)
    world.appraise(world.a, VALUE_A, SECRET_A)
    rounds.accept_self_assessment(agency=world.b, year=world.year, user=world.appraiser)
    world.move(Status.EXPLANATION)
    before = snapshot()
    response = login(world.ict).post(step(world.b, world.year, "finish"))
    assert response.status_code == 302 and errors_of(response)
    assert snapshot() == before


# Reporters reading the appraisal before the explanation stage


def test_the_entry_screen_hides_the_appraisal_from_the_reporter_while_it_runs(world):
    """Reporter A opens its entry screen while A is being appraised, and once appraised, before explanations."""
    world.in_appraisal()
    client = login(world.reporter_a)
    page = client.get(entry(world.a, world.year)).content.decode()
    assert shows(page, SECRET_A, "7,13", "7.13") == []
    rounds.finish_appraisal(agency=world.a, year=world.year, user=world.appraiser)
    page = client.get(entry(world.a, world.year)).content.decode()
    assert shows(page, SECRET_A, "7,13", "7.13") == []


def test_the_entry_screens_version_tells_the_reporter_nothing_of_the_appraisal(world):
    """Reporter A reads the hidden `version` of its entry form before and after the appraiser changes its scores:
    the fingerprint covers the appraised values and comments, so a change (or a guess such as "everything
    accepted", checked against scores_version) is seen before the explanation stage."""
    world.submitted(world.a)
    client = login(world.reporter_a)

    def version():
        return client.get(entry(world.a, world.year)).content.decode().split('name="version" value="')[1][:20]

    before = version()
    world.appraise(world.a, VALUE_A, SECRET_A, finish=False)
    assert version() == before


def test_the_score_list_hides_the_appraisal_from_the_reporter_while_it_runs(world):
    """Reporter A opens the admin's score list (Điểm) while A is being appraised."""
    world.in_appraisal()
    page = login(world.reporter_a).get(reverse("admin:rankings_score_changelist")).content.decode()
    assert shows(page, SECRET_A, "7,13", "7.13") == []


def test_the_score_list_cannot_be_filtered_by_the_appraisal_while_it_runs(world):
    """Reporter A filters its score list by the appraisers' not-applicable mark while the appraisal runs."""
    world.submitted(world.a)
    save_agency_scores(agency=world.a, year=world.year, user=world.appraiser, changes={
        world.points.pk: {"not_applicable": True, "not_applicable_reason": SECRET_A}})
    client = login(world.reporter_a)
    url = reverse("admin:rankings_score_changelist")
    marked = client.get(url, {"not_applicable__exact": "1"})
    unmarked = client.get(url, {"not_applicable__exact": "0"})
    assert marked.status_code != 200 or marked.context["cl"].result_count == unmarked.context["cl"].result_count == 0


def test_a_score_page_hides_the_appraisal_from_the_reporter_while_it_runs(world):
    """Reporter A opens its score's read-only page in the admin while A is being appraised."""
    world.in_appraisal()
    score = Score.objects.get(agency=world.a, criterion=world.points)
    response = login(world.reporter_a).get(reverse("admin:rankings_score_change", args=[score.pk]))
    assert response.status_code in (403, 404) or shows(response.content.decode(), SECRET_A, "7,13", "7.13") == []


def test_a_scores_history_hides_the_appraisal_from_the_reporter_while_it_runs(world):
    """Reporter A opens its score's history, and the version the appraiser saved, while A is being appraised."""
    world.in_appraisal()
    score = Score.objects.get(agency=world.a, criterion=world.points)
    client = login(world.reporter_a)
    response = client.get(reverse("admin:rankings_score_history", args=[score.pk]))
    assert response.status_code in (403, 404) or shows(response.content.decode(), SECRET_A, "7,13", "7.13") == []
    version = score.history.latest().history_id
    response = client.get(reverse("admin:rankings_score_simple_history", args=[score.pk, version]))
    assert response.status_code in (403, 404) or shows(response.content.decode(), SECRET_A, "7,13", "7.13") == []


@pytest.mark.parametrize("url", ["explanations", "appendix", "appendix docx", "summary", "board"])
def test_the_round_pages_give_the_reporter_no_appraisal_before_the_explanation_stage(world, url):
    """Reporter A opens its explanations page, the decision's appendix (page and Word), the press summary and the
    board while A is being appraised."""
    world.in_appraisal()
    address = {"explanations": explanations(world.a, world.year),
               "appendix": reverse("admin:rankings_appendix", args=[2026]),
               "appendix docx": reverse("admin:rankings_appendix", args=[2026]) + "?format=docx",
               "summary": reverse("admin:rankings_summary", args=[2026]),
               "board": reverse("admin:rankings_round_board", args=[2026])}[url]
    assert login(world.reporter_a).get(address).status_code == 403


def test_the_explanation_stage_shows_a_reporter_its_own_appraisal_only(world):
    """In the explanation stage reporter A reads its explanations page and entry screen: nothing of B's."""
    world.in_explanation()
    client = login(world.reporter_a)
    for url in (explanations(world.a, world.year), entry(world.a, world.year),
                reverse("admin:rankings_score_changelist")):
        page = client.get(url).content.decode()
        assert shows(page, SECRET_B, "4,44", "Sở B") == []
    assert SECRET_A in client.get(explanations(world.a, world.year)).content.decode()


# E-mails


def run(function, capture, **kwargs):
    with capture(execute=True):
        return function(**kwargs)


def mail_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_the_round_emails_tell_no_agency_of_another_nor_of_the_appraisal_too_early(
        world, django_capture_on_commit_callbacks):
    """Every step of A's round: no e-mail reaches B's reporter, and A's reporter learns no appraised score or
    comment before the explanation stage."""
    capture = django_capture_on_commit_callbacks
    world.self_assess(world.a)
    run(rounds.submit, capture, agency=world.a, year=world.year, user=world.reporter_a)
    world.year = run(change_year_status, capture, year=world.year, status=Status.APPRAISAL, user=world.ict)
    world.appraise(world.a, VALUE_A, SECRET_A, finish=False)
    run(rounds.finish_appraisal, capture, agency=world.a, year=world.year, user=world.appraiser)
    early = " ".join(f"{m.subject} {m.body}" for m in mail_to(world.reporter_a.email))
    assert shows(early, SECRET_A, "7,13", "7.13") == []
    world.year = run(change_year_status, capture, year=world.year, status=Status.EXPLANATION, user=world.ict)
    explanation = run(rounds.file_explanation, capture, agency=world.a, year=world.year, criterion=world.points,
                      text="GIAI-TRINH-CUA-SO-A", user=world.reporter_a)
    run(rounds.answer_explanation, capture, explanation=explanation, outcome="kept", answer="TRA-LOI-CHO-SO-A",
        user=world.appraiser)
    to_b = " ".join(f"{m.subject} {m.body}" for m in mail_to(world.reporter_b.email))
    assert shows(to_b, "Sở A", "GIAI-TRINH-CUA-SO-A", "TRA-LOI-CHO-SO-A", SECRET_A) == []
    assert all(len(m.to) == 1 for m in mail.outbox)


def test_a_reminder_tells_a_reporter_nothing_of_the_other_agencies(world, django_capture_on_commit_callbacks):
    """Two days before the self-assessment deadline, with A and B not submitted, `send_reminders` writes to A's
    reporter: the e-mail must not say that B (or anyone else) has not submitted either."""
    EvaluationYear.objects.filter(pk=world.year.pk).update(
        self_assessment_deadline=timezone.localdate() + timedelta(days=2))
    run(rounds.send_reminders, django_capture_on_commit_callbacks)
    to_a = " ".join(f"{m.subject} {m.body}" for m in mail_to(world.reporter_a.email))
    assert to_a and "Sở B" not in to_a


def test_a_reminder_in_the_explanation_stage_names_no_other_agency(world, django_capture_on_commit_callbacks):
    """Two days before the explanation deadline, `send_reminders` writes to A's reporter: not B's name."""
    world.in_explanation()
    EvaluationYear.objects.filter(pk=world.year.pk).update(
        explanation_deadline=timezone.localdate() + timedelta(days=2))
    run(rounds.send_reminders, django_capture_on_commit_callbacks)
    to_a = " ".join(f"{m.subject} {m.body}" for m in mail_to(world.reporter_a.email))
    assert to_a and "Sở B" not in to_a


def test_a_user_whose_reporter_role_was_withdrawn_gets_no_email_of_the_agency(
        world, django_capture_on_commit_callbacks):
    """A user still linked to A but taken out of the reporters' group (a link without the permission is none,
    rankings.roles) must not get A's round e-mails: finished appraisal, reopening, answers."""
    former = factories.user("cuu-can-bo", agency=world.a, email="cuu-can-bo@so-a.example.vn")
    capture = django_capture_on_commit_callbacks
    world.self_assess(world.a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    run(rounds.reopen, capture, agency=world.a, year=world.year, user=world.ict, reason="LY-DO-MO-LAI")
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    world.move(Status.APPRAISAL)
    world.appraise(world.a, VALUE_A, SECRET_A, finish=False)
    run(rounds.finish_appraisal, capture, agency=world.a, year=world.year, user=world.appraiser)
    world.move(Status.EXPLANATION)
    explanation = world.explain(world.a)
    run(rounds.answer_explanation, capture, explanation=explanation, outcome="kept", answer="TRA-LOI",
        user=world.appraiser)
    assert mail_to(world.reporter_a.email)  # the real reporter is told
    assert [m.subject for m in mail_to(former.email)] == []


# Users with no role in the round


@pytest.fixture(params=["staff", "unlinked"])
def outsider(request, world):
    return {"staff": world.people.staff, "unlinked": world.people.unlinked}[request.param]


def round_addresses(world):
    return [entry(world.a, world.year), explanations(world.a, world.year),
            reverse("admin:rankings_round_home"), reverse("admin:rankings_round_board", args=[2026]),
            reverse("admin:rankings_appendix", args=[2026]), reverse("admin:rankings_summary", args=[2026])]


def test_staff_in_no_group_and_an_unlinked_reporter_reach_nothing_of_the_round(world, outsider):
    """Staff in no group, and a reporter linked to no agency, open every round page in the explanation stage."""
    world.in_explanation()
    client = login(outsider)
    for url in round_addresses(world):
        response = client.get(url)
        assert response.status_code == 403, url
        assert shows(response.content.decode(), SECRET_A, "Sở A") == []


def test_staff_in_no_group_and_an_unlinked_reporter_change_nothing_of_the_round(world, outsider):
    """They post every step, an explanation, an answer and the entry form (with Accept all)."""
    world.submitted(world.a)
    world.appraise(world.a, VALUE_A, SECRET_A)
    world.move(Status.EXPLANATION)
    explanation = world.explain(world.a)
    before = snapshot()
    client = login(outsider)
    for name in ("submit", "reopen", "finish"):
        assert client.post(step(world.a, world.year, name), {"reason": "x"}).status_code == 403
    url = explanations(world.a, world.year)
    assert client.post(url, {"criterion": world.ratio.pk, "text": "x"}).status_code == 403
    assert client.post(url, {"explanation": explanation.pk, "outcome": "kept", "answer": "x"}).status_code == 403
    assert client.post(entry(world.a, world.year), entry_post(world, world.a, accept="all")).status_code == 403
    assert snapshot() == before


def test_an_anonymous_visitor_is_sent_to_the_login_page(world):
    """Anonymous POSTs to a step and an explanation."""
    world.self_assess(world.a)
    before = snapshot()
    client = Client()
    for url in (step(world.a, world.year, "submit"), explanations(world.a, world.year)):
        response = client.post(url, {"text": "x"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert snapshot() == before


# A reporter crafting its own form


def test_crafted_appraisal_fields_in_the_self_assessment_are_ignored(world):
    """Reporter A posts its entry form with the appraised value, comment and not-applicable mark of 1.1, and a
    field for C's block criterion."""
    world.self_assess(world.a)
    before = Score.objects.get(agency=world.a, criterion=world.points)
    pk = world.points.pk
    response = login(world.reporter_a).post(entry(world.a, world.year), entry_post(world, world.a, world.reporter_a, **{
        f"value_{pk}": "20", f"appraisal_comment_{pk}": "Tự thẩm định", f"not_applicable_{pk}": "on",
        f"not_applicable_reason_{pk}": "x", f"numerator_{world.ratio.pk}": "10",
        f"self_assessed_{world.foreign.pk}": "10"}))
    assert response.status_code == 302
    after = Score.objects.get(agency=world.a, criterion=world.points)
    assert (after.value, after.appraisal_comment, after.not_applicable) == (before.value, "", False)
    assert Score.objects.get(agency=world.a, criterion=world.ratio).numerator is None
    assert not Score.objects.filter(criterion=world.foreign).exists()


def test_an_explanation_carries_no_script_to_the_appraisers_page(world):
    """Reporter A files an explanation holding HTML: the appraiser's and ICT staff's page shows it as text."""
    world.in_explanation()
    client = login(world.reporter_a)
    text = '<script>alert("giai-trinh")</script><img src=x onerror=alert(1)>'
    response = client.post(explanations(world.a, world.year), {"criterion": world.points.pk, "text": text,
                                                                "evidence_url": 'https://x.example/"onmouseover="a'})
    assert response.status_code in (200, 302)
    page = login(world.appraiser).get(explanations(world.a, world.year)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and '"onmouseover="' not in page


def test_a_reporter_pressing_accept_is_refused_and_nothing_is_saved(world):
    """Reporter A adds `accept=all` to its self-assessment form: refused — and the typed self-assessment must not
    be saved by a refused request."""
    world.self_assess(world.a)
    before = snapshot()
    response = login(world.reporter_a).post(entry(world.a, world.year), entry_post(world, world.a, world.reporter_a, **{
        f"self_assessed_{world.points.pk}": "19", "accept": "all"}))
    assert response.status_code == 403
    assert snapshot() == before


def test_a_reporter_cannot_submit_another_agency_by_posting_its_id_as_a_field(world):
    """Reporter A posts `submit` on its own URL with B's agency id and another year in the form fields."""
    world.self_assess(world.b)
    before = snapshot()
    login(world.reporter_a).post(step(world.a, world.year, "submit"), {"agency": world.b.pk, "agency_id": world.b.pk,
                                                                       "year": 2025})
    assert not AgencyRound.objects.filter(agency=world.b).exists()
    assert [r for r in snapshot()[1] if r["agency_id"] == world.b.pk] == [r for r in before[1]
                                                                          if r["agency_id"] == world.b.pk]


# Publishing with explanations unanswered


def test_a_year_with_an_unanswered_explanation_is_not_published_without_a_reason(world):
    """ICT staff post the publish confirmation without a reason while A's explanation is unanswered; the
    appraiser tries too; the command line without a reason."""
    world.in_explanation()
    world.explain(world.a)
    url = reverse("admin:rankings_publish", args=[2026])
    decision = {"decision_number": "5/QĐ-UBND", "signed_on": "2027-03-01", "incomplete_reason": ""}
    before = snapshot()
    assert login(world.appraiser).post(url, decision).status_code == 403
    response = login(world.ict).post(url, decision)
    assert response.status_code == 200 and "1.1" in response.content.decode()
    with pytest.raises(CommandError, match="1.1"):
        call_command("publish", "2026", "--decision", "5/QĐ-UBND", "--signed-on", "2027-03-01")
    assert snapshot() == before


# Odd input: a clear answer, never a 500, nothing changed


@pytest.fixture
def appraising(world):
    """A and B submitted, the year under appraisal, nothing appraised yet."""
    world.submitted(world.a, world.b)
    return world


@pytest.mark.parametrize("accept", ["abc", "", "-1", "1.5", "²", "①", "٣", str(10 ** 30), "all ", "ALL", "0x1"])
def test_an_odd_accept_value_is_no_error_and_accepts_nothing(appraising, accept):
    """The appraiser posts A's entry form with `accept` set to junk (letters, sign, decimals, superscript and
    circled digits, other scripts' digits, a huge number)."""
    world = appraising
    before = snapshot()
    client = Client(raise_request_exception=False)
    client.force_login(world.appraiser)
    response = client.post(entry(world.a, world.year), entry_post(world, world.a, accept=accept))
    assert response.status_code < 500, response.status_code
    assert snapshot() == before


def test_an_accept_for_a_criterion_of_another_block_accepts_nothing(appraising):
    """The appraiser posts `accept=<id of C's block criterion>` and `accept=<id of last year's criterion>`."""
    world = appraising
    before = snapshot()
    for pk in (world.foreign.pk, world.old_criterion.pk):
        response = login(world.appraiser).post(entry(world.a, world.year), entry_post(world, world.a, accept=pk))
        assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize("data", [
    {},
    {"version": "x"},
    {"version": "", "accept": "all"},
])
def test_an_entry_post_without_its_fields_is_refused_clearly(appraising, data):
    """The appraiser posts A's entry form with no version, a stale one, or only an Accept button."""
    world = appraising
    before = snapshot()
    response = login(world.appraiser).post(entry(world.a, world.year), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("data", [
    {"criterion": "1 OR 1=1", "text": "x"},
    {"criterion": "", "text": "x"},
    {"criterion": "PK", "text": ""},
    {"criterion": "PK", "text": "   "},
    {"criterion": "PK", "text": "x", "evidence_url": "https://minh-chung.example/" + "a" * 300},
    {"criterion": "PK", "text": "x", "evidence_url": "javascript:alert(1)"},
])
def test_an_odd_explanation_is_refused_clearly(world, data):
    """Reporter A posts its explanation form with a junk or empty criterion, no text, a 300-character or
    script link."""
    world.in_explanation()
    data = {key: str(world.points.pk) if value == "PK" else value for key, value in data.items()}
    before = snapshot()
    client = Client(raise_request_exception=False)
    client.force_login(world.reporter_a)
    response = client.post(explanations(world.a, world.year), data)
    assert response.status_code in (200, 400, 403), response.status_code
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()
    assert snapshot() == before


def test_a_huge_explanation_is_no_error(world):
    """Reporter A files an explanation of 200,000 characters: stored whole or refused with a message."""
    world.in_explanation()
    client = Client(raise_request_exception=False)
    client.force_login(world.reporter_a)
    response = client.post(explanations(world.a, world.year), {"criterion": world.points.pk, "text": "ả" * 200_000})
    assert response.status_code in (200, 302, 400, 413), response.status_code
    stored = list(Explanation.objects.values_list("text", flat=True))
    assert stored in ([], ["ả" * 200_000])


@pytest.mark.parametrize("data", [
    {"explanation": "abc", "outcome": "kept", "answer": "x"},
    {"explanation": str(10 ** 30), "outcome": "kept", "answer": "x"},
    {"explanation": "-1", "outcome": "kept", "answer": "x"},
    {"explanation": "PK", "outcome": "bogus", "answer": "x"},
    {"explanation": "PK", "outcome": "kept"},
    {"explanation": "PK", "outcome": "kept", "answer": "   "},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "abc"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "-5"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "25"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "99999999"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "NaN"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "value": "1e400"},
    {"explanation": "PK", "outcome": "adjusted", "answer": "x", "numerator": "5"},
])
def test_an_odd_answer_is_refused_clearly(world, data):
    """The appraiser answers A's explanation with a junk, huge or negative id, an unknown outcome, no reason, no
    adjusted score, a score that is junk, negative, above the maximum, too long, NaN or infinite, or figures for a
    points criterion."""
    world.in_explanation()
    explanation = world.explain(world.a)
    data = {key: str(explanation.pk) if value == "PK" else value for key, value in data.items()}
    before = snapshot()
    client = Client(raise_request_exception=False)
    client.force_login(world.appraiser)
    response = client.post(explanations(world.a, world.year), data)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()
    assert snapshot() == before


def test_an_answer_for_a_computed_criterion_needs_both_figures(world):
    """The appraiser adjusts A's explanation of 3.1 (a ratio) with a figure and no total, then with a points value
    only."""
    world.in_explanation()
    explanation = world.explain(world.a, world.ratio)
    before = snapshot()
    client = login(world.appraiser)
    for extra in ({"numerator": "5"}, {"value": "5"}, {"numerator": "20", "denominator": "10"}):
        response = client.post(explanations(world.a, world.year), {
            "explanation": explanation.pk, "outcome": "adjusted", "answer": "x", **extra})
        assert response.status_code == 200 and "errorlist" in response.content.decode(), extra
    assert snapshot() == before


@pytest.mark.parametrize("name", ["accept", "SUBMIT", "publish", "submit/", "../finish"])
def test_an_unknown_step_is_refused(world, name):
    """ICT staff post an unknown step name."""
    world.self_assess(world.a)
    before = snapshot()
    client = Client(raise_request_exception=False)
    client.force_login(world.ict)
    response = client.post(f"/admin/rankings/score/round/{world.a.pk}/2026/{name}/", follow=True)
    assert response.status_code in (200, 403, 404, 405), response.status_code
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "success"]
    assert snapshot() == before


def test_a_reopen_without_a_reason_or_with_a_huge_one_is_clear(world):
    """ICT staff reopen A's submission with no reason (refused with a message), then with 100,000 characters."""
    world.self_assess(world.a)
    rounds.submit(agency=world.a, year=world.year, user=world.reporter_a)
    before = snapshot()
    client = login(world.ict)
    response = client.post(step(world.a, world.year, "reopen"))
    assert response.status_code == 302 and errors_of(response)
    assert snapshot() == before
    response = client.post(step(world.a, world.year, "reopen"), {"reason": "x" * 100_000})
    assert response.status_code == 302
    assert AgencyRound.objects.get(agency=world.a).submitted_at is None


@pytest.mark.parametrize("address", [
    "/admin/rankings/score/round/999999/2026/submit/",
    "/admin/rankings/score/round/A/1900/submit/",
    "/admin/rankings/score/round/A/abc/submit/",
    "/admin/rankings/score/round/abc/2026/submit/",
    "/admin/rankings/score/round/99999999999999999999999/2026/submit/",
    "/admin/rankings/score/explanations/999999/2026/",
    "/admin/rankings/score/explanations/A/1900/",
    "/admin/rankings/score/explanations/99999999999999999999999/2026/",
    "/admin/rankings/score/entry/99999999999999999999999/2026/",
    "/admin/rankings/score/round/99999999999999999999999/",
    "/admin/rankings/score/appendix/99999999999999999999999/",
    "/admin/rankings/score/summary/1900/",
])
def test_an_odd_address_is_not_found_not_an_error(world, address):
    """ICT staff open or post to a round address with an unknown, malformed or huge agency id or year."""
    address = address.replace("/A/", f"/{world.a.pk}/")
    client = Client(raise_request_exception=False)
    client.force_login(world.ict)
    before = snapshot()
    for response in (client.get(address, follow=True), client.post(address, {"reason": "x", "text": "x"}, follow=True)):
        assert response.status_code in (200, 403, 404, 405), (address, response.status_code)
        assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "success"]
    assert snapshot() == before


def test_a_submission_with_nothing_scored_is_refused_clearly(world):
    """Reporter A submits before scoring anything; then C's reporter submits in a block with a criterion only."""
    before = snapshot()
    response = login(world.reporter_a).post(step(world.a, world.year, "submit"))
    assert response.status_code == 302 and any("1.1" in e for e in errors_of(response))
    assert not AgencyRound.objects.filter(submitted_at__isnull=False).exists()
    response = login(world.people.reporter(world.c)).post(step(world.c, world.year, "submit"))
    assert response.status_code == 302 and errors_of(response)
    assert [r for r in snapshot()[1] if r["submitted_at"]] == [r for r in before[1] if r["submitted_at"]]


def test_the_deadline_is_a_whole_day_in_the_provinces_time_zone(world):
    """On its deadline day reporter A still submits; the day after, not (the date, not a moment)."""
    world.self_assess(world.a)
    EvaluationYear.objects.filter(pk=world.year.pk).update(self_assessment_deadline=timezone.localdate())
    world.year.refresh_from_db()
    assert not world.year.deadline_passed()
    assert world.year.deadline_passed(today=timezone.localdate() + timedelta(days=1))
    assert world.year.deadline_passed(today=date.max) and not world.year.deadline_passed(today=date.min)
