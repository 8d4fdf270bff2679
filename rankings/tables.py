import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .formatting import points

CHANGE_HTML = '<span class="change change-{}" title="{}">{} {}<span class="visually-hidden"> {}</span></span>'


def rank_change_html(change):
    if change is None:
        return format_html('<span class="change change-new">{}</span>', _("new"))
    if change == 0:
        return format_html('<span class="change change-same" title="{}">=</span>', _("unchanged"))
    if change > 0:
        label = ngettext("up %(n)d place", "up %(n)d places", change) % {"n": change}
        return format_html(CHANGE_HTML, "up", label, "▲", change, label)
    label = ngettext("down %(n)d place", "down %(n)d places", -change) % {"n": -change}
    return format_html(CHANGE_HTML, "down", label, "▼", -change, label)


class PointsColumn(tables.Column):
    def render(self, value):
        return points(value)


class RankChangeColumn(tables.Column):
    empty_values = ()  # None means "new" and must reach render()

    def render(self, value):
        return rank_change_html(value)


class PercentColumn(tables.Column):
    def render(self, value, record):
        if record.band is None:
            return format_html("{}&nbsp;%", points(value))
        return format_html('{}&nbsp;% <span class="band band-{}">{}</span>', points(value),
                           record.band.min_percent.to_integral_value(), record.band)


class RankingTable(tables.Table):
    """The official ranking. Sorting by another column reorders the rows; the rank stays the official one."""

    rank = tables.Column(verbose_name=_("Rank"), attrs={"th": {"class": "col-rank"}, "td": {"class": "col-rank"}})
    agency = tables.Column(
        verbose_name=_("Agency"),
        accessor="display_name",
        order_by=("sort_key",),
        attrs={"th": {"class": "col-agency"}, "td": {"class": "col-agency"}},
        footer=lambda table: _("Block average") if table.average else "",
    )
    rank_change = RankChangeColumn(verbose_name=_("Change"))
    total = PointsColumn(
        verbose_name=_("Total"), footer=lambda table: points(table.average["total"]) if table.average else ""
    )
    percent = PercentColumn(
        verbose_name=_("Percent of maximum"),
        footer=lambda table: format_html("{}&nbsp;%", points(table.average["percent"])) if table.average else "",
    )

    class Meta:
        template_name = "rankings/_table.html"
        orderable = True
        attrs = {"class": "ranking-table", "id": "ranking"}
        order_by_field = "sort"

    def __init__(self, ranking, standings, **kwargs):
        average = ranking.average()
        extra_columns = [
            (
                f"group_{g.code}",
                PointsColumn(
                    verbose_name=format_html(
                        '<abbr title="{}">{}</abbr> <span class="max">/{}</span>',
                        g.criteria_group.localized_name, g.criteria_group.localized_short_name, points(g.maximum),
                    ),
                    accessor=f"groups__{g.code}",
                    footer=points(average["groups"][g.code]) if average else "",
                ),
            )
            for g in ranking.group_maxima
        ]
        super().__init__(standings, extra_columns=extra_columns, **kwargs)
        self.year = ranking.year
        self.max_total = ranking.max_total
        self.average = average
        self.columns["total"].column.verbose_name = format_html(
            '{} <span class="max">/{}</span>', _("Total"), points(ranking.max_total)
        )

    def render_agency(self, value, record):
        url = reverse("rankings:agency", args=[record.slug]) + f"?year={self.year.year}"
        return format_html('<a href="{}">{}</a>', url, value)
