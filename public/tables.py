import html
from functools import cache, partial

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tables2.utils import OrderBy

from common.numbers import points, points_formatter

SLUG = "__slug__"  # stands for an agency's slug in a URL reversed once
CHANGE_HTML = '<span class="change change-{}" title="{}">{} {}<span class="visually-hidden"> {}</span></span>'


def rank_change_html(change, newly_formed=False):
    if newly_formed:
        return format_html('<span class="change change-new">{}</span>', _("newly formed"))
    if change is None:
        return format_html('<span class="change change-new">{}</span>', _("new"))
    if change == 0:
        return format_html('<span class="change change-same" title="{}">=</span>', _("unchanged"))
    if change > 0:
        label = ngettext("up %(n)d place", "up %(n)d places", change) % {"n": change}
        return format_html(CHANGE_HTML, "up", label, "▲", change, label)
    label = ngettext("down %(n)d place", "down %(n)d places", -change) % {"n": -change}
    return format_html(CHANGE_HTML, "down", label, "▼", -change, label)


def band_html(band):
    return f'<span class="band band-{band.min_percent.to_integral_value()}">{escape(band)}</span>'


LINEAGE_WORDS = {
    "renamed": _("formerly %(names)s"),
    "merged": _("merged with %(names)s"),
    "formed": _("formed from %(names)s"),
    "split": _("split from %(names)s"),
}


def lineage_text(standing):
    """The agencies a standing came from, in a phrase per kind of succession."""
    by_kind = {}
    for predecessor in standing.predecessors:
        by_kind.setdefault(predecessor["kind"], []).append(predecessor["name"])
    return "; ".join(str(LINEAGE_WORDS[kind]) % {"names": ", ".join(names)} for kind, names in by_kind.items())


class RankingTable(tables.Table):
    """The official ranking. Sorting by another column reorders the rows; the rank stays the official one.

    django-tables2 sorts the rows; `headers`, `body_html` and `footer_cells` write the cells.
    """

    rank = tables.Column(verbose_name=_("Rank"), attrs={"th": {"class": "col-rank"}, "td": {"class": "col-rank"}})
    agency = tables.Column(
        verbose_name=_("Agency"),
        accessor="display_name",
        order_by=("sort_key",),
        attrs={"th": {"class": "col-agency"}, "td": {"class": "col-agency"}},
    )
    rank_change = tables.Column(verbose_name=_("Change"))
    total = tables.Column(verbose_name=_("Total"))
    percent = tables.Column(verbose_name=_("Percent of maximum"))

    class Meta:
        template_name = "public/_table.html"
        orderable = True
        attrs = {"class": "ranking-table", "id": "ranking", "aria-describedby": "ranking-sort-hint"}
        order_by_field = "sort"

    # Read from the top: the rank from the first and the agency from A; every other column best first (the most
    # points, the largest gain) on its first click.
    ASCENDING_FIRST = frozenset({"rank", "agency"})

    def __init__(self, ranking, standings, **kwargs):
        average = ranking.average()
        extra_columns = [
            (
                f"group_{g.code}",
                tables.Column(
                    verbose_name=format_html(
                        '<abbr title="{}">{}</abbr> <span class="max">/{}</span>',
                        g.criteria_group.localized_name, g.criteria_group.localized_short_name, points(g.maximum),
                    ),
                    accessor=f"groups__{g.code}",
                ),
            )
            for g in ranking.group_maxima
        ]
        if ranking.has_exclusions:  # where criteria do not apply to some agencies, the columns of the decisions
            extra_columns[:0] = [
                ("points", tables.Column(verbose_name=_("Points achieved"))),
                ("applicable_max", tables.Column(verbose_name=_("Applicable maximum"))),
            ]
        super().__init__(standings, extra_columns=extra_columns, **kwargs)
        self.year = ranking.year
        self.average = average
        self.columns["total"].column.verbose_name = format_html(
            '{} <span class="max">/{}</span>', _("Converted total") if ranking.has_exclusions else _("Total"),
            points(ranking.max_total),
        )
        self.points = points_formatter()
        # One reverse() for every row, the slug put in after: reversing costs more than the rest of a row.
        self.agency_url = reverse("public:agency", args=[SLUG]) + f"?year={ranking.year.year}"
        # Each rank change and each band written once per table: both look words up in the active language.
        self.rank_change_html = cache(rank_change_html)
        self.band_html = cache(band_html)
        self.cells = {  # each column's cell, as HTML, from a standing
            "rank": self.rank_html,
            "points": lambda standing: self.points(standing.points),
            "applicable_max": lambda standing: self.points(standing.applicable_max),
            "agency": self.agency_link,
            "rank_change": lambda standing: self.rank_change_html(standing.rank_change, standing.newly_formed)
            if standing.ranked else "",
            "total": lambda standing: self.points(standing.total),
            "percent": self.percent_html,
            **{f"group_{g.code}": partial(self.group_points, g.code) for g in ranking.group_maxima},
        }

    def headers(self):
        """(column, the sort its header links to, "ascending"/"descending"/None) for each column.

        Only the column the rows are sorted by has a direction: without a sort, the rank, ascending (the official
        order). Its header's link reverses it; another column's sorts it best first.
        """
        ordered = self.order_by[0] if self.order_by else OrderBy("rank")
        for column in self.columns:
            if column.name != ordered.bare:
                yield column, column.name if column.name in self.ASCENDING_FIRST else f"-{column.name}", None
            elif ordered.is_descending:
                yield column, column.name, "descending"
            else:
                yield column, f"-{column.name}", "ascending"

    def head_html(self):
        """The header row: each column's header linking to the table sorted by it (`headers`), the sorted column
        with its direction. Written here rather than in the template, where django-tables2's query-string tag and
        column attributes for each column took a tenth of the page."""
        cells = []
        for column, sort, direction in self.headers():
            header = conditional_escape(column.header)
            if direction:
                arrow = "▼" if direction == "descending" else "▲"
                header += f' <span class="sort-arrow" aria-hidden="true">{arrow}</span>'
            if column.orderable:
                params = dict(self.request.GET) | {self.prefixed_order_by_field: sort}
                header = f'<a href="{escape("?" + urlencode(params, doseq=True))}#ranking">{header}</a>'
            aria_sort = f' aria-sort="{direction}"' if direction else ""
            cells.append(f'<th scope="col" {column.attrs["th"].as_html()}{aria_sort}>{header}</th>')
        return mark_safe("".join(cells))

    @staticmethod
    def rank_html(standing):
        if standing.rank is None:
            return f'<abbr title="{escape(standing.unranked_reason)}">–</abbr>'
        return str(standing.rank)

    def agency_link(self, standing):
        # html.escape, the function under Django's escape, without its check for lazy text on every call.
        link = f'<a href="{self.agency_url.replace(SLUG, standing.slug)}">{html.escape(standing.display_name)}</a>'
        return link + self.lineage_html(standing) if standing.predecessors else link

    @staticmethod
    def lineage_html(standing):
        """Where it came from since the previous year: "hợp nhất Sở Kế hoạch và Đầu tư", "thành lập từ …"."""
        return format_html('<br><span class="lineage">{}</span>', lineage_text(standing))

    def percent_html(self, standing):
        percent = f"{self.points(standing.percent)}&nbsp;%"
        if standing.band is None:
            return percent
        return f"{percent} {self.band_html(standing.band)}"

    def group_points(self, code, standing):
        return self.points(standing.groups[code])

    def footer_cells(self):
        """(attributes, HTML) of each column's footer cell: the block's averages. Written here rather than by
        django-tables2, which inspects the signature of a function for every footer."""
        average = self.average
        footers = {
            "agency": _("Block average"),
            "total": points(average["total"]),
            "percent": format_html("{}&nbsp;%", points(average["percent"])),
            **{f"group_{code}": points(value) for code, value in average["groups"].items()},
        }
        return [(column.attrs["td"].as_html(), footers.get(column.name, "")) for column in self.columns]

    def body_html(self):
        """The body's rows, in the table's order.

        Written here rather than by django-tables2's cell loop, which inspects a render method's signature
        for every cell: 0.1 ms a cell, most of the time of an uncached page of 167 agencies. Every cell is
        HTML already: numbers, and text escaped where it is put in.
        """
        columns = list(self.columns)
        # One row's HTML with a slot per cell, filled for each standing.
        row_html = "<tr>" + "".join(
            "<td " + column.attrs["td"].as_html().replace("{", "{{").replace("}", "}}") + ">{}</td>"
            for column in columns) + "</tr>"
        cells = [self.cells[column.name] for column in columns]
        return mark_safe("".join(row_html.format(*[cell(row.record) for cell in cells])
                                 for row in self.paginated_rows))


def criteria_rows_html(rows):
    """The body of the agency page's table of every criterion (selectors.criterion_results): a heading row per
    criteria group, then each criterion with the agency's appraised score. Written here rather than in the template,
    whose loop over a framework's eighty criteria took a sixth of the page's time; text is escaped where it is put in.
    """
    format_points = points_formatter()
    not_applicable = html.escape(str(_("not applicable")))
    lines, group = [], None
    for row in rows:
        criterion = row.criterion
        if criterion.criteria_group_id != group:
            group = criterion.criteria_group_id
            lines.append(f'<tr class="group-row"><th scope="rowgroup" colspan="4">'
                         f'{html.escape(str(row.criteria_group))}</th></tr>')
        name = html.escape(criterion.localized_name)
        if row.explanation:
            name += f'<br><span class="meta explanation">{html.escape(row.explanation)}</span>'
        if row.not_applicable:
            score = f'{not_applicable}<br><span class="meta">{html.escape(row.reason)}</span>'
        else:
            score = format_points(row.value) if row.value is not None else "–"
        sub = ' class="sub"' if criterion.parent_id else ""
        lines.append(f'<tr{sub}><th scope="row">{html.escape(criterion.code)}</th><td>{name}</td><td>{score}</td>'
                     f'<td>{format_points(criterion.max_points)}</td></tr>')
    return mark_safe("".join(lines))


def criteria_sections_html(sections):
    """The criteria page's table bodies: for each criteria group (`sections`: (group, its criteria, its maximum)) a
    heading row with the group's maximum, then each criterion with its maximum and, for one computed by a rule, the
    rule. Written here rather than in the template, whose loop over a framework's eighty criteria took two thirds of
    the template's time; text is escaped where it is put in."""
    format_points = points_formatter()
    item = html.escape(str(_("item")))
    bodies = []
    for group, criteria, maximum in sections:
        lines = [f'<tbody>\n<tr class="group-row"><th scope="rowgroup" colspan="2">{html.escape(str(group))}</th>'
                 f'<td>{format_points(maximum)}</td></tr>']
        for criterion in criteria:
            name = html.escape(criterion.localized_name)
            if criterion.is_computed:
                rule = html.escape(str(criterion.get_rule_display()))
                if criterion.points_per_item:
                    rule += f": {format_points(criterion.points_per_item)} / {item}"
                if criterion.tiers:
                    rule += f": {html.escape(criterion.tiers)}"
                name += f'<br><span class="meta">{rule}</span>'
            sub = ' class="sub"' if criterion.parent_id else ""
            lines.append(f'<tr{sub}><th scope="row">{html.escape(criterion.code)}</th><td>{name}</td>'
                         f'<td>{format_points(criterion.max_points)}</td></tr>')
        bodies.append("\n".join(lines) + "\n</tbody>")
    return mark_safe("\n".join(bodies))


def agency_choices_html(standings, selected):
    """The comparison page's checkboxes of a block's agencies (`standings`, in the order shown), those whose slug is
    in `selected` checked. Written here rather than in the template, whose loop over every agency of every block
    took a third of the page's time; text is escaped where it is put in."""
    return mark_safe("".join(
        f'<li><label><input type="checkbox" name="agencies" value="{html.escape(s.slug)}"'
        f'{" checked" if s.slug in selected else ""}> {html.escape(s.display_name)}</label></li>' for s in standings))
