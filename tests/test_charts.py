"""The server-drawn SVG charts: well-formed, to scale, with the names they are given escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from public import charts
from rankings.selectors import PublishedYears, build_rankings
from tests import factories

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_NAME = 'Sở <b>"A" & B</b>'


@pytest.fixture
def ranked_block():
    """A block of three agencies in 2018 and 2019; the hostile one has no result in 2018."""
    block = factories.agency_group(name="Sở")
    years = [factories.evaluation_year(2018), factories.evaluation_year(2019)]
    agencies = [factories.agency(block, name=name) for name in ("Tài chính", "Xây dựng", HOSTILE_NAME)]
    for year in years:
        infrastructure = factories.criterion(year, block, "1.1", 60)
        policy = factories.criterion(year, block, "5.1", 40, criteria_group="policy")
        for agency, (first, second) in zip(agencies, [(60, 30), (45, 15), (30, 0)], strict=True):
            if agency.name == HOSTILE_NAME and year.year == 2018:
                continue
            factories.score(agency, infrastructure, first)
            factories.score(agency, policy, second)
    rankings = build_rankings(years=years, published=PublishedYears(), blocks=[block])
    return [rankings[year.pk, block.pk] for year in years]


def test_the_bar_chart_draws_each_total_to_the_scale_of_the_maximum(ranked_block):
    _ranking_2018, ranking = ranked_block

    svg = ET.fromstring(charts.totals_bar(ranking, ranking.standings))

    bars = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert len(bars) == 3
    assert [round(width / bars[0], 2) for width in bars] == [1, 0.67, 0.33]  # 90, 60 and 30 points
    labels = [text.text for text in svg.iter(f"{SVG}text")]
    assert HOSTILE_NAME in labels and "90" in labels


def test_the_line_chart_leaves_a_gap_for_a_year_without_a_result(ranked_block):
    ranking_2018, ranking_2019 = ranked_block
    hostile = ranking_2019.standings[-1]
    history = [(ranking_2018.year, None), (ranking_2019.year, hostile), (factories.evaluation_year(2020), hostile)]

    svg = ET.fromstring(charts.history_line(history))

    assert len(list(svg.iter(f"{SVG}circle"))) == 2
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1  # joins the two results, nothing before the gap
    assert "30 %" in [text.text for text in svg.iter(f"{SVG}text")]


def test_the_radar_has_one_outline_per_series_reaching_the_outer_ring_at_the_maximum(ranked_block):
    _ranking_2018, ranking = ranked_block
    leader, last = ranking.standings[0], ranking.standings[-1]

    svg = ET.fromstring(charts.group_radar(ranking.group_maxima, [
        (leader.display_name, ranking.group_percents(leader)), (last.display_name, ranking.group_percents(last))]))

    polygons = list(svg.iter(f"{SVG}polygon"))
    grid, series = polygons[:4], polygons[4:]
    assert len(series) == 2
    # The leader has the whole infrastructure maximum: its first corner is the outer ring's first corner.
    assert series[0].get("points").split()[0] == grid[-1].get("points").split()[0]
    assert HOSTILE_NAME in [text.text for text in svg.iter(f"{SVG}text")]
    assert leader.groups == {"infrastructure": Decimal(60), "policy": Decimal(30)}


def test_an_agency_name_is_escaped_in_the_ranking_table_and_chart(client, ranked_block):
    _ranking_2018, ranking = ranked_block
    page = client.get(f"/rankings/2019/{ranking.block.slug}/").content.decode()

    assert "<b>" not in page
    assert page.count("Sở &lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;") == 2  # the table's link and the chart's label


def test_the_bar_and_line_charts_keep_their_text_in_css_pixels_at_any_width(ranked_block):
    """No viewBox on them: their text is not shrunk with the chart on a phone. Only the shapes that must stretch
    (bars, the line) are in a layer 100 units wide stretched to the chart's width."""
    ranking_2018, ranking = ranked_block
    history = [(ranking_2018.year, ranking_2018.standings[0]), (ranking.year, ranking.standings[0])]
    for chart in (charts.totals_bar(ranking, ranking.standings), charts.history_line(history)):
        svg = ET.fromstring(chart)
        assert svg.get("viewBox") is None and svg.get("width") == "100%"
        layers = list(svg.iter(f"{SVG}svg"))[1:]  # iter() begins with the chart itself
        assert len(layers) == 1 and layers[0].get("preserveAspectRatio") == "none"
        assert not list(layers[0].iter(f"{SVG}text"))
        assert all(text.get("x").endswith("%") or float(text.get("x")) < 50 for text in svg.iter(f"{SVG}text"))


def test_the_radar_scales_and_keeps_its_labels_inside_its_view(ranked_block):
    _ranking_2018, ranking = ranked_block
    svg = ET.fromstring(charts.group_radar(ranking.group_maxima, [("A", ranking.group_percents(ranking.leader))]))
    left, _top, width, _height = map(float, svg.get("viewBox").split())
    assert "chart-radar" in svg.get("class")
    # The labels around it start inside the view (the text is 25 units, site.css): the left ones end at the left
    # of the centre, with room for a long short name.
    anchors = [(float(text.get("x")), text.get("text-anchor")) for text in svg.iter(f"{SVG}text")]
    assert all(left + 150 <= x for x, anchor in anchors if anchor == "end")
    assert all(x + 190 <= left + width for x, anchor in anchors if anchor == "start" and x > 320)
