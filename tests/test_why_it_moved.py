"""The agency page says why an agency moved (issue 17): its rank and change in the headline, each criteria group and
criterion against its previous year or any year the reader picks, the gains, losses and who passed it; compare links
from it and shows the change; English names and dates on /en/."""

import re

import pytest

from agencies.models import Agency
from criteria.models import Criterion, EvaluationYear

TT_TT = "Sở Thông tin và Truyền thông"


def text(response):
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def tttt(demo):
    return Agency.objects.get(name=TT_TT)


def test_the_headline_says_the_rank_and_its_change(client, tttt):
    page = text(client.get(f"/agencies/{tttt.slug}/?year=2019"))
    assert "xếp hạng 4 /18" in page
    assert "giảm 3 bậc so với 2018" in page


def test_the_page_compares_with_the_previous_year_and_names_who_passed_it(client, tttt):
    page = text(client.get(f"/agencies/{tttt.slug}/?year=2019"))
    assert "Năm 2019 so với năm 2018" in page
    assert "Năm 2018 xếp hạng 1 (406,39 điểm), nay xếp hạng 4 (410,5 điểm)." in page
    assert ("Tổng điểm không giảm, nhưng các cơ quan sau đã vượt lên: Sở Tài chính, Sở Xây dựng, "
            "Sở Giao thông vận tải.") in page
    # Each group with both years and the change, the largest gains named.
    assert "Hạ tầng kỹ thuật CNTT 54,45/55 55/55 +0,55" in page
    assert "Tăng nhiều nhất: Nhân lực cho ứng dụng CNTT (+1,06)" in page
    # Each criterion too, matched by code.
    assert "1.1 Máy tính, mạng nội bộ và kết nối Internet 19,8/20 20/20 +0,2" in page


def test_a_loss_is_named_and_signed(client, demo):
    finance = Agency.objects.get(name="Sở Tài chính")
    page = text(client.get(f"/agencies/{finance.slug}/?year=2018&against=2019"))
    assert "Năm 2018 so với năm 2019" in page and "Giảm nhiều nhất:" in page and "−" in page


def test_the_reader_picks_the_year_and_a_year_without_a_result_is_a_404(client, tttt):
    assert client.get(f"/agencies/{tttt.slug}/?year=2019&against=2018").status_code == 200
    for against in ("2019", "2025", "2031", "abc", "02018"):
        assert client.get(f"/agencies/{tttt.slug}/?year=2019&against={against}").status_code == 404, against


def test_the_earliest_year_has_nothing_before_it(client, tttt):
    page = text(client.get(f"/agencies/{tttt.slug}/?year=2018"))
    assert "Năm 2018 so với năm" not in page and "bậc so với" not in page


def test_compare_links_from_the_agency_page_and_shows_the_change(client, tttt):
    html = client.get(f"/agencies/{tttt.slug}/?year=2019").content.decode()
    link = re.search(r'href="(/compare/\?year=2019&amp;agencies=[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    page = text(response)
    assert "Số bậc tăng so với 2018" in page and "−3" in page
    finance = Agency.objects.get(name="Sở Tài chính")  # the leader compares with the runner-up
    leader_html = client.get(f"/agencies/{finance.slug}/?year=2019").content.decode()
    assert client.get(re.search(r'href="(/compare/\?[^"]+)"', leader_html).group(1).replace("&amp;", "&")
                      ).status_code == 200


def test_the_illustrative_data_is_said_on_the_agency_and_compare_pages(client, tttt):
    note = EvaluationYear.objects.get(year=2019).note
    assert note[:60] in text(client.get(f"/agencies/{tttt.slug}/?year=2019"))
    assert note[:60] in text(client.get(f"/compare/?year=2019&agencies={tttt.slug},so-tai-chinh"))


def test_english_pages_show_the_english_names_note_and_dates(client, demo):
    year = EvaluationYear.objects.get(year=2019)
    year.note_en = "Illustrative data except the article's figures."
    year.save()
    criterion = Criterion.objects.get(year=year, agency_group__slug="so-ban-nganh", code="1.1")
    criterion.name_en = "Computers, local network and Internet"
    criterion.save()
    english = text(client.get("/en/criteria/2019/so-ban-nganh/"))
    assert "Computers, local network and Internet" in english and "Illustrative data except" in english
    assert "Máy tính, mạng nội bộ và kết nối Internet" not in english
    ranking = text(client.get("/en/rankings/2019/so-ban-nganh/"))
    assert "20 May 2020" in ranking and "05/20/2020" not in ranking
    vietnamese = text(client.get("/criteria/2019/so-ban-nganh/"))
    assert "Máy tính, mạng nội bộ và kết nối Internet" in vietnamese and "20/05/2020" in vietnamese


def test_the_history_chart_shows_the_rank_and_a_scale_that_fits(client, tttt):
    html = client.get(f"/agencies/{tttt.slug}/?year=2019").content.decode()
    chart = html[html.index("chart-history"):]
    chart = chart[:chart.index("</svg>")]
    labels = re.findall(r">([^<>]+)</text>", chart)
    assert "hạng 4" in labels and "hạng 1" in labels  # 2019 and 2018: the fall a flat percent line hides
    axis = [label for label in labels if label.endswith(" %") and label[:-2].replace(",", "").isdigit()]
    assert "0 %" not in axis and "70 %" in axis  # 81,28 % and 82,1 %: the scale runs from 70 to 90 %
