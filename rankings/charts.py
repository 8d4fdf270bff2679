"""Charts drawn on the server as SVG with pygal: readable without JavaScript, no CDN.

Every chart sits next to a table with the same numbers (the templates do that).
"""

import re

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

from .formatting import points

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#52606d",
    colors=("#1c5d99", "#c2410c", "#15803d", "#7e22ce"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def _config(**options):
    # js=[]: pygal would otherwise link its tooltip script from a CDN.
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "value_formatter": points, **options}


# pygal always writes a small configuration <script> for its tooltips; the site runs no script (and its
# Content Security Policy would refuse an inline one), so it goes.
PYGAL_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart):
    return mark_safe(PYGAL_SCRIPT.sub("", chart.render(is_unicode=True)))  # pygal escapes the labels it draws


def totals_bar(ranking, standings):
    """Each agency's total, in the order of the table."""
    height = max(240, 28 * len(standings) + 80)
    chart = pygal.HorizontalBar(**_config(
        width=800, height=height, show_legend=False, range=(0, float(ranking.max_total)),
        print_values=True, print_values_position="top", truncate_label=-1,
    ))
    chart.x_labels = [s.display_name for s in reversed(standings)]
    chart.add(str(ranking.agency_group), [float(s.total) for s in reversed(standings)])
    return _render(chart)


def history_line(history, label):
    """Percent of the maximum over the years (percent, because maxima may change between years)."""
    chart = pygal.Line(**_config(width=800, height=320, show_legend=False, range=(0, 100), dots_size=5,
                                 print_values=True, value_formatter=lambda v: f"{points(v)} %"))
    chart.x_labels = [str(year) for year, _standing in history]
    chart.add(label, [float(standing.percent) if standing else None for _year, standing in history])
    return _render(chart)


def group_radar(group_maxima, series):
    """Percent of each criteria group's maximum: `series` is [(label, {code: score}), ...]."""
    chart = pygal.Radar(**_config(width=640, height=480, range=(0, 100), fill=False, legend_at_bottom=True,
                                  value_formatter=lambda v: f"{points(v)} %"))
    chart.x_labels = [g.criteria_group.localized_short_name for g in group_maxima]
    for label, scores in series:
        chart.add(label, [float(scores[g.code] * 100 / g.maximum) for g in group_maxima])
    return _render(chart)
