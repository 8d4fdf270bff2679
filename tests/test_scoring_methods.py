"""Scoring methods: the rules that compute a criterion's points from figures, criteria marked not applicable and the
converted total, the year's classes, agencies evaluated but not ranked, recomputation across a block, and a year's
own framework of criteria groups, through the rankings, the pages, the downloads and the radar chart."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import override

from criteria import rules
from criteria.models import Criterion, EvaluationYear, ResultClass
from criteria.rules import Rule
from criteria.services import change_year_status
from imports.importing import apply_import
from public import charts
from rankings import results
from rankings.models import Score
from rankings.selectors import PublishedYears, block_ranking
from rankings.services import save_agency_scores
from tests import factories, sheets

D = Decimal
APPRAISAL = EvaluationYear.Status.APPRAISAL


def rule_criterion(rule, max_points, **fields):
    """A criterion with a scoring rule, unsaved: the rules are plain functions of numbers."""
    return Criterion(code="2.1", name="Hồ sơ trực tuyến", max_points=D(str(max_points)), rule=rule, **fields)


def publish(year):
    return change_year_status(year=year, status=EvaluationYear.Status.PUBLISHED, user=None)


def ranking_of(year, block):
    return block_ranking(published=PublishedYears(), year=year, block=block)


def standing(year, block, name):
    return next(s for s in ranking_of(year, block).standings if s.name == name)


def save(agency, criterion, **fields):
    """What an appraiser saves on the entry screen, from the command line (user None)."""
    save_agency_scores(agency=agency, year=criterion.year, changes={criterion.pk: fields}, user=None)


NOT_APPLICABLE_REASON = "Sở không có thủ tục hành chính phát sinh hồ sơ"


def mark_not_applicable(agency, criterion, reason=NOT_APPLICABLE_REASON):
    save(agency, criterion, value=None, not_applicable=True, not_applicable_reason=reason)


# ---------------------------------------------------------------------------------------------------------------
# 1. The rules, at their boundaries
# ---------------------------------------------------------------------------------------------------------------

class TestRatio:
    criterion = rule_criterion(Rule.RATIO, 35, unit="hồ sơ")

    def test_points_are_the_ratio_times_the_maximum_to_the_cent(self):
        assert rules.compute(self.criterion, D(412), D(520)) == D("27.73")  # 27.7307…

    def test_a_half_cent_rounds_up(self):
        criterion = rule_criterion(Rule.RATIO, 10)
        assert rules.compute(criterion, D(1), D(16)) == D("0.63")  # 0.625: half-even would give 0.62

    def test_a_number_equal_to_its_total_gives_the_maximum(self):
        assert rules.compute(self.criterion, D(520), D(520)) == D(35)

    def test_nothing_out_of_a_total_gives_zero(self):
        assert rules.compute(self.criterion, D(0), D(520)) == 0

    def test_a_number_above_its_total_is_refused_naming_both(self):
        with override("en"):
            error = str(rules.figures_error(self.criterion, D(521), D(520)))
        assert error == "Criterion 2.1 “Hồ sơ trực tuyến”: the number 521 is above the total 520."

    def test_a_number_equal_to_its_total_is_accepted(self):
        assert rules.figures_error(self.criterion, D(520), D(520)) is None

    def test_a_total_of_zero_is_refused(self):
        with override("en"):
            assert "the total must be above zero" in str(rules.figures_error(self.criterion, D(0), D(0)))

    def test_a_number_without_its_total_is_refused(self):
        with override("en"):
            assert "enter both the number and the total" in str(rules.figures_error(self.criterion, D(5), None))

    def test_a_negative_number_is_refused(self):
        with override("en"):
            assert "cannot be below zero" in str(rules.figures_error(self.criterion, D(-1), D(10)))

    def test_no_figures_are_no_error_and_give_no_points(self):
        assert rules.figures_error(self.criterion, None, None) is None
        assert rules.compute(self.criterion, None, None) is None

    def test_explained_in_vietnamese_with_the_unit_and_decimal_commas(self):
        with override("vi"):
            assert rules.explain(self.criterion, D(412), D(520), None, D("27.73")) == \
                "412/520 hồ sơ = 79,23 % × 35 = 27,73"

    def test_explained_in_english_with_decimal_points(self):
        with override("en"):
            assert rules.explain(self.criterion, D(412), D(520), None, D("27.73")) == \
                "412/520 hồ sơ = 79.23 % × 35 = 27.73"


class TestRelativeToTheBest:
    criterion = rule_criterion(Rule.RELATIVE, 10, unit="dịch vụ")

    def test_the_best_agency_gets_the_maximum(self):
        assert rules.compute(self.criterion, D(80), None, best=D(80)) == D(10)

    def test_others_get_their_share_of_the_best_to_the_cent(self):
        assert rules.compute(self.criterion, D(40), None, best=D(80)) == D(5)
        assert rules.compute(self.criterion, D(2), None, best=D(3)) == D("6.67")
        assert rules.compute(self.criterion, D(1), None, best=D(3)) == D("3.33")

    def test_a_best_of_zero_gives_zero_rather_than_dividing_by_it(self):
        assert rules.compute(self.criterion, D(0), None, best=D(0)) == 0

    def test_a_total_is_refused(self):
        with override("en"):
            assert "takes one figure, not a total" in str(rules.figures_error(self.criterion, D(5), D(10)))

    def test_explained_against_the_best_in_vietnamese(self):
        with override("vi"):
            assert rules.explain(self.criterion, D(40), None, D(80), D(5)) == \
                "40 dịch vụ ÷ 80 (cao nhất khối) × 10 = 5"

    def test_explained_against_the_best_in_english(self):
        with override("en"):
            assert rules.explain(self.criterion, D(40), None, D(80), D(5)) == \
                "40 dịch vụ ÷ 80 (highest in the block) × 10 = 5"


class TestPerItemCapped:
    criterion = rule_criterion(Rule.PER_ITEM, 5, points_per_item=D("0.5"), unit="dịch vụ")

    def test_points_per_item_below_the_cap(self):
        assert rules.compute(self.criterion, D(9), None) == D("4.5")

    def test_exactly_at_the_cap_gives_the_maximum(self):
        assert rules.compute(self.criterion, D(10), None) == D(5)

    def test_above_the_cap_gives_the_maximum_and_no_more(self):
        assert rules.compute(self.criterion, D(11), None) == D(5)
        assert rules.compute(self.criterion, D(1000), None) == D(5)

    def test_a_count_that_is_not_whole_is_refused(self):
        with override("en"):
            assert "a number of items is a whole number" in str(rules.figures_error(self.criterion, D("2.5"), None))

    def test_a_whole_count_is_accepted(self):
        assert rules.figures_error(self.criterion, D(11), None) is None

    def test_explained_with_the_cap_when_it_applies(self):
        with override("vi"):
            assert rules.explain(self.criterion, D(12), None, None, D(5)) == "12 dịch vụ × 0,5 = 6, tối đa 5"
            assert rules.explain(self.criterion, D(9), None, None, D("4.5")) == "9 dịch vụ × 0,5 = 4,5"
            assert rules.explain(self.criterion, D(10), None, None, D(5)) == "10 dịch vụ × 0,5 = 5"


class TestTiers:
    criterion = rule_criterion(Rule.TIERS, 20, tiers="90: 100; 70: 75; 50: 50")

    def test_a_ratio_exactly_on_a_threshold_gets_that_tier(self):
        assert rules.compute(self.criterion, D(90), D(100)) == D(20)
        assert rules.compute(self.criterion, D(7), D(10)) == D(15)
        assert rules.compute(self.criterion, D(50), D(100)) == D(10)

    def test_a_ratio_just_below_a_threshold_gets_the_lower_tier(self):
        assert rules.compute(self.criterion, D("899"), D(1000)) == D(15)  # 89.9 %
        assert rules.compute(self.criterion, D("699"), D(1000)) == D(10)  # 69.9 %

    def test_a_ratio_below_every_tier_gets_nothing(self):
        assert rules.compute(self.criterion, D(49), D(100)) == 0
        assert rules.compute(self.criterion, D(0), D(100)) == 0

    def test_the_share_of_the_maximum_is_rounded_halves_up(self):
        criterion = rule_criterion(Rule.TIERS, D("0.1"), tiers="50: 25")
        assert rules.compute(criterion, D(1), D(1)) == D("0.03")  # 0.025

    def test_a_number_above_its_total_is_refused(self):
        with override("en"):
            assert "above the total" in str(rules.figures_error(self.criterion, D(11), D(10)))

    def test_explained_with_the_ratio_and_the_tier_reached(self):
        with override("vi"):
            assert rules.explain(self.criterion, D(85), D(100), None, D(15)) == "85/100 = 85 % → 75 % × 20 = 15"


class TestParseTiers:
    def test_tiers_come_highest_threshold_first_whatever_the_order_written(self):
        assert rules.parse_tiers("50: 50; 90: 100; 70: 75") == [(90, 100), (70, 75), (50, 50)]

    def test_percent_signs_decimal_commas_and_blank_parts_are_read(self):
        assert rules.parse_tiers(" 90 % : 100 %; ; 62,5: 40 ;") == [(D(90), D(100)), (D("62.5"), D(40))]

    @pytest.mark.parametrize("text", ["abc", "90", "90: 100: 5", "90: cao", "90 - 100"])
    def test_text_that_is_not_a_tier_is_refused_quoting_it(self, text):
        with override("en"):
            with pytest.raises(ValidationError) as error:
                rules.parse_tiers(text)
            assert error.value.messages == [f"“{text.strip()}” is not a tier: write the ratio and the share of the "
                                            "maximum, e.g. “90: 100”."]

    def test_two_tiers_from_the_same_ratio_are_refused(self):
        with override("en"), pytest.raises(ValidationError, match="Each tier starts at a ratio of its own"):
            rules.parse_tiers("90: 100; 90,0: 50")

    @pytest.mark.parametrize("text", ["110: 100", "90: 120", "-5: 10", "90: -1"])
    def test_numbers_outside_0_to_100_are_refused(self, text):
        with override("en"), pytest.raises(ValidationError, match="both numbers are percentages from 0 to 100"):
            rules.parse_tiers(text)

    def test_the_bounds_0_and_100_are_accepted(self):
        assert rules.parse_tiers("100: 100; 0: 0") == [(100, 100), (0, 0)]

    @pytest.mark.parametrize("text", ["", "  ", ";"])
    def test_no_tier_at_all_is_refused(self, text):
        with override("en"), pytest.raises(ValidationError, match="needs at least one tier"):
            rules.parse_tiers(text)

    @pytest.mark.parametrize("text", ["nan: 100", "90: NaN"])
    def test_not_a_number_is_refused_as_a_validation_error(self, text):
        with override("en"), pytest.raises(ValidationError, match="is not a tier"):
            rules.parse_tiers(text)


class TestYesNo:
    criterion = rule_criterion(Rule.YES_NO, 5)

    def test_yes_gives_the_maximum_and_no_nothing(self):
        assert rules.compute(self.criterion, D(1), None) == D(5)
        assert rules.compute(self.criterion, D(0), None) == 0

    @pytest.mark.parametrize("answer", [D(2), D("0.5")])
    def test_any_other_answer_is_refused(self, answer):
        with override("en"):
            assert "answer 1 (yes) or 0 (no)" in str(rules.figures_error(self.criterion, answer, None))

    @pytest.mark.parametrize("answer", [D(0), D(1)])
    def test_yes_and_no_are_accepted(self, answer):
        assert rules.figures_error(self.criterion, answer, None) is None

    def test_explained_as_yes_or_no(self):
        with override("vi"):
            assert rules.explain(self.criterion, D(1), None, None, D(5)) == "Có → 5"
            assert rules.explain(self.criterion, D(0), None, None, D(0)) == "Không → 0"


class TestPointsEntered:
    criterion = rule_criterion(Rule.POINTS, 10)

    def test_figures_are_refused_and_nothing_is_computed_or_explained(self):
        with override("en"):
            assert "takes points, not figures" in str(rules.figures_error(self.criterion, D(1), None))
        assert rules.compute(self.criterion, D(1), None) is None
        assert rules.explain(self.criterion, D(1), None, None, D(1)) == ""


class TestCheckParameters:
    def error_fields(self, criterion):
        with pytest.raises(ValidationError) as error:
            rules.check_parameters(criterion)
        return error.value.message_dict

    def test_per_item_needs_the_points_of_one_item_above_zero(self):
        assert "points_per_item" in self.error_fields(rule_criterion(Rule.PER_ITEM, 5))
        assert "points_per_item" in self.error_fields(rule_criterion(Rule.PER_ITEM, 5, points_per_item=D(0)))

    def test_points_per_item_belong_to_their_rule_only(self):
        assert "points_per_item" in self.error_fields(rule_criterion(Rule.RATIO, 5, points_per_item=D(1)))

    def test_tiers_need_valid_tiers(self):
        assert "tiers" in self.error_fields(rule_criterion(Rule.TIERS, 5, tiers="90: 100; 90: 50"))
        assert "tiers" in self.error_fields(rule_criterion(Rule.TIERS, 5, tiers=""))

    def test_tiers_belong_to_their_rule_only(self):
        assert "tiers" in self.error_fields(rule_criterion(Rule.RATIO, 5, tiers="90: 100"))

    def test_a_complete_criterion_passes(self):
        for criterion in (rule_criterion(Rule.PER_ITEM, 5, points_per_item=D("0.5")),
                          rule_criterion(Rule.TIERS, 5, tiers="90: 100"), rule_criterion(Rule.RATIO, 5)):
            assert rules.check_parameters(criterion) is None


# ---------------------------------------------------------------------------------------------------------------
# 2. Criteria not applicable: the converted total
# ---------------------------------------------------------------------------------------------------------------

class TestResult:
    def test_without_exclusions_the_total_is_the_points(self):
        numbers = results.result(D("72.02"), D(0), D(100))
        assert (numbers.total, numbers.percent, numbers.applicable_max) == (D("72.02"), D("72.02"), D(100))

    def test_the_converted_total_and_percent_round_halves_up(self):
        numbers = results.result(D("72.02"), D(20), D(100))  # 72.02 ÷ 80 × 100 = 90.025
        assert (numbers.total, numbers.percent, numbers.applicable_max) == (D("90.03"), D("90.03"), D(80))

    def test_the_converted_total_is_on_the_blocks_maximum_and_the_percent_on_what_applies(self):
        numbers = results.result(D(45), D(10), D(200))  # 45 of 190 applicable: 23.684… %, 47.368… of 200
        assert (numbers.total, numbers.percent) == (D("47.37"), D("23.68"))

    def test_nothing_applicable_gives_zero_rather_than_dividing_by_zero(self):
        numbers = results.result(D(0), D(100), D(100))
        assert (numbers.total, numbers.percent, numbers.applicable_max) == (0, 0, 0)

    def test_a_group_with_nothing_applicable_has_no_percent(self):
        assert results.group_percent(D(0), D(10), D(10)) is None
        assert results.group_percent(D(3), D(2), D(10)) == D("37.5")


# Nine departments, 100 points: 1.1 (50), 2.1 (48) and 3.1 (2, "online public services").
# Sở Nội vụ has 90 points on 1.1 and 2.1; its 3.1 is left to each test.
NINE = {
    "Sở Tài chính": (50, 44, 1),
    "Sở Xây dựng": (48, 44, 1),
    "Sở Y tế": (47, 44, 1),
    "Sở Tư pháp": (45, 45, 1),
    "Sở Nội vụ": (45, 45, None),
    "Sở Công Thương": (42, 42, 1),
    "Sở Giáo dục và Đào tạo": (40, 39, 1),
    "Sở Khoa học và Công nghệ": (35, 34, 1),
    "Sở Ngoại vụ": (30, 29, 1),
}


class Nine:
    def __init__(self):
        self.block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
        self.year = factories.evaluation_year(2024, status=APPRAISAL)
        self.criteria = [
            factories.criterion(self.year, self.block, "1.1", 50, name="Hạ tầng, máy trạm"),
            factories.criterion(self.year, self.block, "2.1", 48, criteria_group="it_application",
                                name="Văn bản điện tử"),
            factories.criterion(self.year, self.block, "3.1", 2, criteria_group="online_services",
                                name="Dịch vụ công có phát sinh hồ sơ"),
        ]
        self.agencies = {}
        for name, values in NINE.items():
            agency = self.agencies[name] = factories.agency(self.block, name=name)
            for criterion, value in zip(self.criteria, values, strict=True):
                if value is not None:
                    factories.score(agency, criterion, value)
        self.online = self.criteria[2]
        self.home_affairs = self.agencies["Sở Nội vụ"]

    def ranking(self):
        return ranking_of(self.year, self.block)

    def standing(self, name):
        return standing(self.year, self.block, name)

    def ranks(self):
        return [(s.rank, s.name, s.total) for s in self.ranking().standings]


@pytest.fixture
def nine(db):
    return Nine()


def test_a_zero_on_a_criterion_keeps_the_raw_total(nine):
    factories.score(nine.home_affairs, nine.online, 0)
    assert nine.ranks()[3:5] == [(4, "Sở Tư pháp", 91), (5, "Sở Nội vụ", 90)]


def test_criteria_not_applicable_leave_the_evaluation_and_the_total_is_converted(nine):
    factories.score(nine.home_affairs, nine.online, 0)
    mark_not_applicable(nine.home_affairs, nine.online)

    home = nine.standing("Sở Nội vụ")
    assert (home.points, home.excluded, home.applicable_max) == (D(90), D(2), D(98))
    assert home.total == D("91.84")  # 90 ÷ 98 × 100 = 91.8367…
    assert home.percent == D("91.84")
    assert home.groups == {"infrastructure": 45, "it_application": 45, "online_services": 0}
    assert home.group_excluded == {"infrastructure": 0, "it_application": 0, "online_services": 2}


def test_the_converted_total_overtakes_an_agency_with_more_raw_points(nine):
    factories.score(nine.home_affairs, nine.online, 0)
    mark_not_applicable(nine.home_affairs, nine.online)
    assert nine.ranks() == [
        (1, "Sở Tài chính", 95), (2, "Sở Xây dựng", 93), (3, "Sở Y tế", 92),
        (4, "Sở Nội vụ", D("91.84")), (5, "Sở Tư pháp", 91), (6, "Sở Công Thương", 85),
        (7, "Sở Giáo dục và Đào tạo", 80), (8, "Sở Khoa học và Công nghệ", 70), (9, "Sở Ngoại vụ", 60),
    ]


def test_the_mark_is_stored_with_its_reason_and_without_points(nine):
    factories.score(nine.home_affairs, nine.online, 0)
    mark_not_applicable(nine.home_affairs, nine.online)
    score = Score.objects.get(agency=nine.home_affairs, criterion=nine.online)
    assert (score.value, score.not_applicable, score.not_applicable_reason) == (None, True, NOT_APPLICABLE_REASON)


def test_an_agency_with_only_a_mark_in_a_group_still_counts_it(nine):
    mark_not_applicable(nine.home_affairs, nine.online)  # no score on 3.1 before: the mark alone
    assert nine.standing("Sở Nội vụ").excluded == 2


def test_averages_use_the_converted_totals(nine):
    mark_not_applicable(nine.home_affairs, nine.online)
    average = nine.ranking().average()
    # (95 + 93 + 92 + 91.84 + 91 + 85 + 80 + 70 + 60) ÷ 9 = 84.2044…; the raw 90 would give 84.00
    assert average["total"] == D("84.20")
    assert average["percent"] == D("84.20")


def test_clearing_the_mark_gives_back_the_raw_total(nine):
    mark_not_applicable(nine.home_affairs, nine.online)
    save(nine.home_affairs, nine.online, value=D(0), not_applicable=False, not_applicable_reason="")
    home = nine.standing("Sở Nội vụ")
    assert (home.total, home.excluded, home.rank) == (90, 0, 5)


def test_an_agency_to_which_nothing_applies_is_neither_ranked_classed_nor_averaged(nine):
    agency = factories.agency(nine.block, name="Sở Ngoại vụ mới")
    for criterion in nine.criteria:
        mark_not_applicable(agency, criterion)
    with override("en"):
        ranking = nine.ranking()
    nothing = ranking.standings[-1]
    assert (nothing.name, nothing.rank, nothing.ranked, nothing.band, nothing.total) == (
        "Sở Ngoại vụ mới", None, False, None, 0)
    assert nothing.unranked_reason == "No criterion applies to this agency."
    assert [s.rank for s in ranking.standings[:-1]] == list(range(1, 10))
    assert ranking.average()["total"] == D("84.00")  # the nine others: 756 ÷ 9


def test_a_criterion_not_applicable_cannot_also_hold_a_value(nine):
    with override("en"), pytest.raises(ValidationError) as error:
        save(nine.home_affairs, nine.online, value=D(1), not_applicable=True,
             not_applicable_reason=NOT_APPLICABLE_REASON)
    assert error.value.messages == ["Criterion 3.1 “Dịch vụ công có phát sinh hồ sơ” is marked not applicable: it "
                                    "cannot also hold a score. Clear the score or the mark."]
    assert not Score.objects.filter(agency=nine.home_affairs, criterion=nine.online).exists()


def test_marking_a_scored_criterion_without_clearing_its_value_is_refused(nine):
    factories.score(nine.home_affairs, nine.online, 1)
    with pytest.raises(ValidationError):
        save(nine.home_affairs, nine.online, not_applicable=True, not_applicable_reason=NOT_APPLICABLE_REASON)
    score = Score.objects.get(agency=nine.home_affairs, criterion=nine.online)
    assert (score.value, score.not_applicable) == (1, False)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_criterion_not_applicable_needs_a_reason(nine, reason):
    with override("en"), pytest.raises(ValidationError) as error:
        save(nine.home_affairs, nine.online, value=None, not_applicable=True, not_applicable_reason=reason)
    assert error.value.messages == ["Criterion 3.1 “Dịch vụ công có phát sinh hồ sơ”: say why it does not apply."]
    assert not Score.objects.filter(agency=nine.home_affairs, criterion=nine.online).exists()


def test_the_database_refuses_a_value_with_the_mark(nine):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(agency=nine.home_affairs, criterion=nine.online, value=D(1), not_applicable=True,
                             not_applicable_reason=NOT_APPLICABLE_REASON)


def test_the_database_refuses_the_mark_without_a_reason(nine):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(agency=nine.home_affairs, criterion=nine.online, not_applicable=True)


def test_the_ranking_page_shows_the_converted_columns_when_criteria_do_not_apply(client, nine):
    mark_not_applicable(nine.home_affairs, nine.online)
    publish(nine.year)
    page = client.get("/en/rankings/2024/so-ban-nganh/").content.decode()
    assert "Converted total" in page and "Applicable maximum" in page and "Points achieved" in page
    row = re.search(r"<tr>(?:(?!</tr>).)*Sở Nội vụ(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    cells = re.findall(r"<td [^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "4"
    assert "90" in cells and "98" in cells and "91.84" in cells


def test_the_ranking_page_hides_the_converted_columns_when_every_criterion_applies(client, nine):
    factories.score(nine.home_affairs, nine.online, 0)
    publish(nine.year)
    page = client.get("/en/rankings/2024/so-ban-nganh/").content.decode()
    assert "Converted total" not in page and "Applicable maximum" not in page


def test_the_agency_page_says_what_does_not_apply_and_why(client, nine):
    mark_not_applicable(nine.home_affairs, nine.online)
    publish(nine.year)
    page = client.get(f"/agencies/{nine.home_affairs.slug}/").content.decode()
    row = re.search(r'<th scope="row">3\.1</th>(.*?)</tr>', page, re.S).group(1)
    assert "không áp dụng" in row and NOT_APPLICABLE_REASON in row
    english = client.get(f"/en/agencies/{nine.home_affairs.slug}/").content.decode()
    assert ("Criteria worth 2 points do not apply to this agency: it achieved 90 of the 98 points that apply "
            "(91.84 %), converted to 91.84 of 100.") in " ".join(english.split())


def test_the_downloads_carry_points_excluded_applicable_maximum_and_converted_total(client, nine):
    mark_not_applicable(nine.home_affairs, nine.online)
    publish(nine.year)
    data = json.loads(client.get("/rankings/2024/so-ban-nganh.json").content)
    home = next(r for r in data["results"] if r["agency"]["name"] == "Sở Nội vụ")
    assert (home["rank"], home["points"], home["excluded_points"], home["applicable_max"], home["total"],
            home["percent"]) == (4, 90, 2, 98, 91.84, 91.84)
    rows = list(csv.DictReader(io.StringIO(client.get("/rankings/2024/so-ban-nganh.csv").content.decode("utf-8-sig"))))
    home = next(r for r in rows if r["agency"] == "Sở Nội vụ")
    assert (home["points"], home["excluded_points"], home["applicable_max"], home["total"]) == (
        "90.00", "2.00", "98.00", "91.84")


# ---------------------------------------------------------------------------------------------------------------
# 3. The year's classes read the converted percent
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture
def classes(nine):
    for name, percent in [("Tốt", "91.5"), ("Khá", 80), ("Trung bình", 50)]:
        ResultClass.objects.create(year=nine.year, agency_group=nine.block, name=name, min_percent=D(percent))
    return nine


def test_a_class_is_read_from_the_converted_percent(classes):
    factories.score(classes.home_affairs, classes.online, 0)
    assert str(classes.standing("Sở Nội vụ").band) == "Khá"  # 90 %
    mark_not_applicable(classes.home_affairs, classes.online)
    assert str(classes.standing("Sở Nội vụ").band) == "Tốt"  # 91.84 %, not its raw 90 %
    assert str(classes.standing("Sở Tư pháp").band) == "Khá"  # 91 raw points out of 100


def test_the_downloads_carry_the_class_of_the_converted_percent(client, classes):
    mark_not_applicable(classes.home_affairs, classes.online)
    publish(classes.year)
    data = json.loads(client.get("/rankings/2024/so-ban-nganh.json").content)
    assert {r["agency"]["name"]: r["class"] for r in data["results"]}["Sở Nội vụ"] == "Tốt"


# ---------------------------------------------------------------------------------------------------------------
# 4. Agencies evaluated but not ranked
# ---------------------------------------------------------------------------------------------------------------

UNRANKED_REASON = "Đơn vị mới hợp nhất, chưa đủ 12 tháng hoạt động"


@pytest.fixture
def unranked(nine):
    factories.score(nine.home_affairs, nine.online, 0)
    factories.leave_out(nine.year, nine.agencies["Sở Tài chính"], UNRANKED_REASON)
    return nine


def test_an_unranked_agency_has_no_rank_and_the_others_are_ranked_without_a_gap(unranked):
    assert unranked.ranks() == [
        (1, "Sở Xây dựng", 93), (2, "Sở Y tế", 92), (3, "Sở Tư pháp", 91), (4, "Sở Nội vụ", 90),
        (5, "Sở Công Thương", 85), (6, "Sở Giáo dục và Đào tạo", 80), (7, "Sở Khoa học và Công nghệ", 70),
        (8, "Sở Ngoại vụ", 60), (None, "Sở Tài chính", 95),
    ]


def test_an_unranked_agency_keeps_its_result_and_reason(unranked):
    finance = unranked.standing("Sở Tài chính")
    assert (finance.ranked, finance.unranked_reason, finance.total, finance.percent) == (
        False, UNRANKED_REASON, 95, 95)


def test_an_unranked_agency_is_neither_the_leader_nor_in_the_average(unranked):
    ranking = unranked.ranking()
    assert ranking.leader.name == "Sở Xây dựng"
    assert len(ranking.ranked) == 8
    assert ranking.average()["total"] == D("82.63")  # (756 − 95) ÷ 8 = 82.625, halves up


def test_the_json_download_says_ranked_false_with_a_null_rank(client, unranked):
    publish(unranked.year)
    data = json.loads(client.get("/rankings/2024/so-ban-nganh.json").content)
    by_name = {r["agency"]["name"]: r for r in data["results"]}
    finance = by_name["Sở Tài chính"]
    assert (finance["rank"], finance["ranked"], finance["unranked_reason"], finance["total"]) == (
        None, False, UNRANKED_REASON, 95)
    assert (by_name["Sở Xây dựng"]["rank"], by_name["Sở Xây dựng"]["ranked"]) == (1, True)
    assert by_name["Sở Xây dựng"]["unranked_reason"] is None


def test_the_csv_download_has_a_blank_rank_and_false(client, unranked):
    publish(unranked.year)
    content = client.get("/rankings/2024/so-ban-nganh.csv").content.decode("utf-8-sig")
    finance = next(r for r in csv.DictReader(io.StringIO(content)) if r["agency"] == "Sở Tài chính")
    assert (finance["rank"], finance["ranked"], finance["unranked_reason"]) == ("", "false", UNRANKED_REASON)


def test_the_ranking_page_lists_the_unranked_agency_with_its_reason(client, unranked):
    publish(unranked.year)
    page = client.get("/rankings/2024/so-ban-nganh/").content.decode()
    assert "Được đánh giá nhưng không xếp hạng" in page
    assert f"<li>Sở Tài chính: {UNRANKED_REASON}</li>" in page
    assert f'<abbr title="{UNRANKED_REASON}">–</abbr>' in page  # its rank cell


def test_the_ranking_page_sorted_by_rank_keeps_the_unranked_agency(client, unranked):
    publish(unranked.year)
    response = client.get("/rankings/2024/so-ban-nganh/?sort=rank")
    assert response.status_code == 200
    assert "Sở Tài chính" in response.content.decode()


def test_the_agency_page_of_an_unranked_agency_says_why(client, unranked):
    publish(unranked.year)
    page = client.get(f"/en/agencies/{unranked.agencies['Sở Tài chính'].slug}/").content.decode()
    assert f"Left out of the ranking: {UNRANKED_REASON}" in page
    assert "not ranked, <strong>95</strong>/100 points" in " ".join(page.split())


def test_the_page_of_a_blocks_only_agency_left_unranked_opens_without_an_average(client, db):
    block = factories.agency_group(name="Ban quản lý", slug="ban-quan-ly")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    agency = factories.agency(block, name="Ban Quản lý các khu công nghiệp")
    factories.score(agency, factories.criterion(year, block, "1.1", 20), 12)
    factories.leave_out(year, agency, UNRANKED_REASON)
    publish(year)
    response = client.get(f"/en/agencies/{agency.slug}/")
    assert response.status_code == 200
    assert f"Left out of the ranking: {UNRANKED_REASON}" in response.content.decode()


def test_the_agency_page_of_an_unranked_agency_never_says_rank_none(client, unranked):
    publish(unranked.year)
    page = client.get(f"/en/agencies/{unranked.agencies['Sở Tài chính'].slug}/").content.decode()
    assert "rank None" not in page


# ---------------------------------------------------------------------------------------------------------------
# 5. Recomputation: the block's best moves every agency's points
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture
def relative(db):
    block = factories.agency_group(name="UBND cấp huyện", slug="ubnd-huyen")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    criterion = factories.criterion(year, block, "3.2", 10, criteria_group="online_services", rule=Rule.RELATIVE,
                                    unit="dịch vụ", name="Dịch vụ công trực tuyến toàn trình")
    agencies = [factories.agency(block, name=name) for name in ("UBND huyện Ân Thi", "UBND huyện Kim Động",
                                                                "UBND huyện Văn Lâm")]
    for agency, figure in zip(agencies, (50, 100, 80), strict=True):
        save(agency, criterion, numerator=D(figure))
    return year, block, criterion, agencies


def points_of(criterion):
    return list(Score.objects.filter(criterion=criterion).order_by("agency__sort_key").values_list(
        "agency__name", "value"))


def test_relative_points_are_computed_against_the_blocks_best(relative):
    _year, _block, criterion, _agencies = relative
    assert points_of(criterion) == [("UBND huyện Ân Thi", 5), ("UBND huyện Kim Động", 10), ("UBND huyện Văn Lâm", 8)]


def test_a_new_best_figure_changes_every_agencys_points(relative):
    _year, _block, criterion, (an_thi, kim_dong, _van_lam) = relative
    save(kim_dong, criterion, numerator=D(200))
    assert points_of(criterion) == [("UBND huyện Ân Thi", D("2.5")), ("UBND huyện Kim Động", 10),
                                    ("UBND huyện Văn Lâm", 4)]


def test_the_figures_entered_are_kept_and_points_given_for_them_are_ignored(relative):
    _year, _block, criterion, (an_thi, _kim_dong, _van_lam) = relative
    save(an_thi, criterion, numerator=D(100), value=D(1))  # points on a computed criterion follow its figures
    score = Score.objects.get(agency=an_thi, criterion=criterion)
    assert (score.numerator, score.value) == (100, 10)


def test_the_history_records_each_recomputation(relative):
    _year, _block, criterion, (an_thi, kim_dong, _van_lam) = relative
    with override("vi"):
        save(kim_dong, criterion, numerator=D(200))
    score = Score.objects.get(agency=an_thi, criterion=criterion)
    history = list(score.history.order_by("history_date", "history_id").values_list("numerator", "value"))
    # created with its figure, then 50 of 50 alone, of 100, and of 200
    assert history == [(50, None), (50, 10), (50, 5), (50, D("2.5"))]
    last = score.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user, last.history_change_reason) == (None, "Điểm tính từ số liệu")  # the command line


def test_an_agency_not_applicable_is_left_out_of_the_best(relative):
    _year, _block, criterion, (an_thi, kim_dong, van_lam) = relative
    Score.objects.filter(agency=kim_dong, criterion=criterion).delete()
    mark_not_applicable(kim_dong, criterion, "Huyện không có dịch vụ này")
    assert points_of(criterion) == [("UBND huyện Ân Thi", D("6.25")), ("UBND huyện Kim Động", None),
                                    ("UBND huyện Văn Lâm", 10)]


def test_a_computed_criterion_with_points_can_be_marked_not_applicable(relative):
    _year, _block, criterion, (an_thi, kim_dong, van_lam) = relative
    save(kim_dong, criterion, numerator=None, not_applicable=True, not_applicable_reason="Huyện không có dịch vụ này")
    score = Score.objects.get(agency=kim_dong, criterion=criterion)
    assert (score.value, score.not_applicable) == (None, True)
    assert points_of(criterion)[0] == ("UBND huyện Ân Thi", D("6.25"))


def test_figures_the_rule_cannot_read_are_refused_and_nothing_is_stored(db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    ratio = factories.criterion(year, block, "3.1", 35, rule=Rule.RATIO, name="Tỷ lệ hồ sơ trực tuyến")
    answer = factories.criterion(year, block, "5.1", 5, rule=Rule.YES_NO, name="Có kế hoạch")
    agency = factories.agency(block, name="Sở Tài chính")
    with override("en"):
        with pytest.raises(ValidationError) as error:
            save_agency_scores(agency=agency, year=year, user=None, changes={
                ratio.pk: {"numerator": D(521), "denominator": D(520)}, answer.pk: {"numerator": D(2)}})
        assert error.value.messages == [
            "Criterion 3.1 “Tỷ lệ hồ sơ trực tuyến”: the number 521 is above the total 520.",
            "Criterion 5.1 “Có kế hoạch”: answer 1 (yes) or 0 (no)."]
    assert not Score.objects.exists()


def test_reported_figures_give_the_self_assessment_and_not_the_official_points(db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    ratio = factories.criterion(year, block, "3.1", 35, rule=Rule.RATIO)
    agency = factories.agency(block, name="Sở Tài chính")
    save(agency, ratio, reported_numerator=D(412), reported_denominator=D(520))
    score = Score.objects.get()
    assert (score.self_assessed, score.value) == (D("27.73"), None)
    assert ranking_of(year, block).standings == ()  # nothing appraised yet
    save(agency, ratio, numerator=D(520), denominator=D(520))
    score.refresh_from_db()
    assert (score.self_assessed, score.value) == (D("27.73"), 35)


def test_the_agency_page_explains_the_computation_against_the_best(client, relative):
    year, _block, _criterion, (an_thi, _kim_dong, _van_lam) = relative
    publish(year)
    page = client.get(f"/agencies/{an_thi.slug}/").content.decode()
    assert '<span class="meta explanation">50 dịch vụ ÷ 100 (cao nhất khối) × 10 = 5</span>' in page


def test_the_agency_page_explains_a_ratio(client, db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    criterion = factories.criterion(year, block, "3.1", 35, criteria_group="online_services", rule=Rule.RATIO,
                                    unit="hồ sơ", name="Tỷ lệ hồ sơ trực tuyến")
    agency = factories.agency(block, name="Sở Tài chính")
    save(agency, criterion, numerator=D(412), denominator=D(520))
    publish(year)
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "412/520 hồ sơ = 79,23 % × 35 = 27,73" in page
    assert "<td>27,73</td>" in page


# ---------------------------------------------------------------------------------------------------------------
# 6. A year's own framework: eight criteria groups
# ---------------------------------------------------------------------------------------------------------------

EIGHT_GROUPS = [  # code, name, short name, English short name
    ("ha-tang", "Hạ tầng kỹ thuật", "Hạ tầng", "Infrastructure"),
    ("nen-tang", "Nền tảng, hệ thống dùng chung", "Nền tảng", "Platforms"),
    ("du-lieu", "Dữ liệu số", "Dữ liệu", "Data"),
    ("ung-dung", "Ứng dụng nội bộ", "Ứng dụng", "Applications"),
    ("dich-vu-cong", "Dịch vụ công trực tuyến", "DVC", "Services"),
    ("an-toan", "An toàn thông tin mạng", "ATTT", "Security"),
    ("nhan-luc", "Nhân lực số", "Nhân lực", "People"),
    ("chinh-sach", "Chính sách, chỉ đạo", "Chính sách", "Policy"),
]
EIGHT_CODES = [code for code, *_names in EIGHT_GROUPS]


@pytest.fixture
def eight(db):
    """2025, departments: eight criteria groups of one criterion each (10 points, 80 in all), three agencies."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2025, status=APPRAISAL)
    criteria = []
    for n, (code, name, short, short_en) in enumerate(EIGHT_GROUPS, start=1):
        group = factories.criteria_group_of(year, block, code, name=name, short_name=short, short_name_en=short_en,
                                            order=n)
        criteria.append(Criterion.objects.create(year=year, agency_group=block, criteria_group=group, code=f"{n}.1",
                                                 name=f"Tiêu chí {name.lower()}", max_points=D(10)))
    agencies = [factories.agency(block, name=name, short_name=short) for name, short in
                [("Sở Tài chính", "Tài chính"), ("Sở Xây dựng", "Xây dựng"), ("Sở Y tế", "Y tế")]]
    return year, block, criteria, agencies


EIGHT_SHEET = [
    ["STT", "Tên cơ quan", *(f"{n}.1" for n in range(1, 9)), "Tổng điểm"],
    [1, "Sở Tài chính", 10, 9, 8, 7, 6, 5, 4, 3, 52],
    [2, "Sở Xây dựng", 5, 5, 5, 5, 5, 5, 5, 5, 40],
    [3, "Sở Y tế", 1, 2, 3, 4, 5, 6, 7, "KAD", 28],
]


@pytest.fixture
def eight_published(eight):
    year, block, _criteria, _agencies = eight
    apply_import(content=sheets.xlsx(EIGHT_SHEET), filename="diem-2025.xlsx", year=year, agency_group=block,
                 user=None)
    return publish(year), block


def test_a_sheet_scoring_the_eight_groups_imports(eight):
    year, block, _criteria, _agencies = eight
    outcome = apply_import(content=sheets.xlsx(EIGHT_SHEET), filename="diem-2025.xlsx", year=year,
                           agency_group=block, user=None)
    assert (outcome.created, outcome.updated) == (24, 0)
    finance, health = standing(year, block, "Sở Tài chính"), standing(year, block, "Sở Y tế")
    assert finance.groups == dict(zip(EIGHT_CODES, (10, 9, 8, 7, 6, 5, 4, 3), strict=True))
    assert (finance.total, finance.rank) == (52, 1)
    assert (health.points, health.excluded, health.total, health.rank) == (28, 10, 32, 3)  # 28 ÷ 70 × 80


def test_the_ranking_has_the_eight_groups_in_their_order(eight_published):
    year, block = eight_published
    ranking = ranking_of(year, block)
    assert [g.code for g in ranking.group_maxima] == EIGHT_CODES
    assert ranking.max_total == 80


def test_the_ranking_page_has_a_column_for_each_of_the_eight_groups(client, eight_published):
    page = client.get("/rankings/2025/so-ban-nganh/").content.decode()
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    group_headers = re.findall(r'<abbr title="([^"]+)">([^<]+)</abbr> <span class="max">/10</span>', head)
    assert group_headers == [(name, short) for _code, name, short, _en in EIGHT_GROUPS]
    assert len(re.findall(r"<th scope=\"col\"", head)) == 5 + 2 + 8  # rank … percent, converted columns, groups


def test_the_english_ranking_page_uses_the_english_short_names(client, eight_published):
    head = re.search(r"<thead>(.*?)</thead>", client.get("/en/rankings/2025/so-ban-nganh/").content.decode(),
                     re.S).group(1)
    assert [short for _title, short in re.findall(r'<abbr title="([^"]+)">([^<]+)</abbr>', head)] == [
        en for *_names, en in EIGHT_GROUPS]


def test_the_json_download_has_the_eight_groups(client, eight_published):
    data = json.loads(client.get("/rankings/2025/so-ban-nganh.json").content)
    assert [(g["code"], g["name"], g["max"]) for g in data["criteria_groups"]] == [
        (code, name, 10) for code, name, *_short in EIGHT_GROUPS]
    assert data["max_total"] == 80
    assert all(list(r["groups"]) == EIGHT_CODES for r in data["results"])


def test_the_csv_header_ends_with_the_eight_group_codes(client, eight_published):
    content = client.get("/rankings/2025/so-ban-nganh.csv").content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content)))
    assert header[-8:] == EIGHT_CODES
    assert header[-9] == "predecessors"
    finance = next(r for r in rows if r[2] == "Sở Tài chính")
    assert finance[-8:] == ["10.00", "9.00", "8.00", "7.00", "6.00", "5.00", "4.00", "3.00"]


def radar_of(page):
    """The agency page's radar chart: the SVG with polygons."""
    return next(svg for svg in re.findall(r"<svg .*?</svg>", page, re.S) if "<polygon" in svg)


def test_the_agency_pages_radar_has_eight_axes_labelled_with_the_short_names(client, eight_published):
    page = client.get("/agencies/so-tai-chinh/").content.decode()
    radar = radar_of(page)
    assert len(re.findall(r'<line x1="320" y1="210"', radar)) == 8  # from the centre to each group's 100 %
    labels = re.findall(r'<text [^>]*class="chart-label"[^>]*>([^<]*)</text>', radar)
    assert labels[:8] == [short for _code, _name, short, _en in EIGHT_GROUPS]
    grid = re.findall(r'<polygon points="([^"]+)" class="chart-grid"/>', radar)
    assert len(grid) == 4 and all(len(points.split()) == 8 for points in grid)


def test_the_radar_plots_the_agency_the_average_and_nobody_else_when_it_leads(client, eight_published):
    radar = radar_of(client.get("/agencies/so-tai-chinh/").content.decode())
    areas = re.findall(r'<polygon points="([^"]+)" class="chart-area series-\d"/>', radar)
    assert len(areas) == 2  # the agency and the block average; it is the leader itself
    # Sở Tài chính's first group is 10 of 10: the top corner, 150 px above the centre
    assert areas[0].split()[0] == "320.0,60.0"


def test_group_radar_draws_one_axis_per_group_and_one_area_per_series(eight_published):
    year, block = eight_published
    ranking = ranking_of(year, block)
    svg = charts.group_radar(ranking.group_maxima, [(s.display_name, ranking.group_percents(s))
                                                    for s in ranking.standings])
    assert svg.count('<line x1="320" y1="210"') == 8
    assert len(re.findall(r'class="chart-area series-\d"', svg)) == 3
    assert svg.count("<circle") == 24


def test_a_group_none_of_whose_criteria_apply_is_drawn_at_zero(eight_published):
    year, block = eight_published
    ranking = ranking_of(year, block)
    health = ranking.standing_of(next(s.agency_id for s in ranking.standings if s.name == "Sở Y tế"))
    assert ranking.group_percents(health) == dict(zip(EIGHT_CODES, (10, 20, 30, 40, 50, 60, 70, 0), strict=True))


@pytest.fixture
def shared_group(db):
    """1.1 and 1.2 (10 each) in one group, 5.1 (10) in another; 1.2 does not apply to Sở Tài chính."""
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    first, second = (factories.criterion(year, block, code, 10) for code in ("1.1", "1.2"))
    policy = factories.criterion(year, block, "5.1", 10, criteria_group="policy")
    finance, builder = factories.agency(block, name="Sở Tài chính"), factories.agency(block, name="Sở Xây dựng")
    for agency, values in [(finance, (10, None, 5)), (builder, (5, 5, 10))]:
        for criterion, value in zip((first, second, policy), values, strict=True):
            if value is not None:
                factories.score(agency, criterion, value)
    mark_not_applicable(finance, second)
    return year, block


def test_a_groups_percent_is_of_what_applies_of_it(shared_group):
    year, block = shared_group
    ranking = ranking_of(year, block)
    finance = next(s for s in ranking.standings if s.name == "Sở Tài chính")
    assert ranking.group_percents(finance) == {"infrastructure": 100, "policy": 50}


def test_the_radar_draws_a_group_by_what_applies_of_it(client, shared_group):
    year, _block = shared_group
    publish(year)
    radar = radar_of(client.get("/agencies/so-tai-chinh/").content.decode())
    own = re.findall(r'<polygon points="([^"]+)" class="chart-area series-0"/>', radar)[0]
    assert own.split()[0] == "320.0,60.0"  # 10 of the 10 that apply: the full radius, not half of 20


def test_the_agency_page_has_a_row_for_each_of_the_eight_groups(client, eight_published):
    page = client.get("/agencies/so-y-te/").content.decode()
    section = re.search(r'<table class="data">\s*<caption id="groups-caption">.*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', section)
    assert rows == [name for _code, name, _short, _en in EIGHT_GROUPS]


# (7. Imports of marks, figures and criteria: tests/test_scoring_imports.py)


# ---------------------------------------------------------------------------------------------------------------
# 8. The criteria page describes the rules the year uses
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture
def computed_year(db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    factories.criterion(year, block, "1.1", 20, name="Máy trạm")
    factories.criterion(year, block, "3.1", 35, criteria_group="online_services", rule=Rule.RATIO, unit="hồ sơ",
                        name="Tỷ lệ hồ sơ trực tuyến")
    factories.criterion(year, block, "3.2", 10, criteria_group="online_services", rule=Rule.RELATIVE,
                        name="Số dịch vụ toàn trình")
    factories.criterion(year, block, "3.3", 5, criteria_group="online_services", rule=Rule.PER_ITEM,
                        points_per_item=D("0.5"), name="Số dịch vụ tích hợp")
    factories.criterion(year, block, "3.4", 20, criteria_group="online_services", rule=Rule.TIERS,
                        tiers="90: 100; 70: 75", name="Tỷ lệ thanh toán trực tuyến")
    factories.criterion(year, block, "5.1", 10, criteria_group="policy", rule=Rule.YES_NO,
                        name="Có kế hoạch chuyển đổi số")
    agency = factories.agency(block, name="Sở Tài chính")
    factories.score(agency, Criterion.objects.get(code="1.1"), 10)
    return publish(year), block


VIETNAMESE_RULES = [
    ("Tỷ lệ × điểm tối đa", "Điểm = tỷ lệ báo cáo (số đạt trên tổng số) × điểm tối đa."),
    ("So với cơ quan cao nhất khối", "Điểm = số liệu của cơ quan ÷ số liệu cao nhất trong khối × điểm tối đa."),
    ("Điểm theo số mục, có mức trần", "Điểm = điểm mỗi mục × số mục, không vượt quá điểm tối đa."),
    ("Theo bậc tỷ lệ", "Tỷ lệ báo cáo đạt bậc nào thì được phần điểm tối đa tương ứng."),
    ("Có / không", "Có thì được điểm tối đa, không thì 0 điểm."),
]


def test_the_criteria_page_describes_each_rule_the_year_uses(client, computed_year):
    page = client.get("/criteria/2024/so-ban-nganh/").content.decode()
    assert "Cách tính các tiêu chí tính từ số liệu" in page
    descriptions = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)
    assert descriptions == VIETNAMESE_RULES


def test_the_criteria_page_in_english_describes_the_rules_in_english(client, computed_year):
    page = client.get("/en/criteria/2024/so-ban-nganh/").content.decode()
    assert "How computed criteria are scored" in page
    assert ("<dt>Ratio × maximum</dt><dd>Points = the reported ratio (a number out of a total) × the maximum.</dd>"
            in page)
    assert "<dt>Tiers on a ratio</dt>" in page


def test_the_criteria_page_shows_each_criterions_rule_and_parameters(client, computed_year):
    page = client.get("/criteria/2024/so-ban-nganh/").content.decode()
    assert '<span class="meta">Theo bậc tỷ lệ: 90: 100; 70: 75</span>' in page
    assert re.search(r'<span class="meta">Điểm theo số mục, có mức trần: 0,5 / [^<]+</span>', page)


def test_the_criteria_page_describes_only_the_rules_used(client, db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    factories.criterion(year, block, "3.1", 35, criteria_group="online_services", rule=Rule.RATIO)
    factories.criterion(year, block, "1.1", 20)
    publish(year)
    page = client.get("/criteria/2024/so-ban-nganh/").content.decode()
    assert re.findall(r"<dt>([^<]+)</dt>", page) == ["Tỷ lệ × điểm tối đa"]


def test_the_criteria_page_of_a_year_scored_in_points_only_has_no_rule_section(client, db):
    block = factories.agency_group(name="Sở, ban, ngành", slug="so-ban-nganh")
    year = factories.evaluation_year(2024, status=APPRAISAL)
    factories.criterion(year, block, "1.1", 20)
    publish(year)
    page = client.get("/criteria/2024/so-ban-nganh/").content.decode()
    assert "Cách tính các tiêu chí tính từ số liệu" not in page
    assert "<dt>" not in page
