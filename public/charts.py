"""Charts drawn on the server as inline SVG: readable without JavaScript, no script, no CDN.

Every chart sits next to a table with the same numbers (the templates do that); static/css/site.css styles them.
Written as plain SVG text rather than with a charting library, which took longer to draw the 167 bars of a
national ranking than the rest of the page.

Text stays readable on a 360 px phone (at least 11 CSS px): the bar and line charts are *fluid* — no viewBox,
their text in CSS pixels, their horizontal positions in percent of the chart's width, so that they take the
width they are given without shrinking their text; what must stretch (bars, the line) is drawn in a nested SVG
whose viewBox is 100 units wide and stretched to that width. The radar keeps its shape, so it scales: its text is
large in its own units (site.css) and the chart no wider than what keeps that text at a reading size.
"""

import html
import math

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.numbers import points_formatter

SERIES = 4  # distinct series colours in site.css (.series-0 … .series-3); a comparison shows up to four agencies


def _scaled_svg(width, height, body, css_class, left=0):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" class="chart-scaled {css_class}">{"".join(body)}</svg>'
    )


def _fluid_svg(height, body, css_class):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height:.0f}" class="chart-fluid {css_class}">'
        f'{"".join(body)}</svg>'
    )


def _stretched(height, body, x=0):
    """A layer 100 units wide stretched over the chart's width (from `x` px): for shapes, never for text."""
    return (f'<svg x="{x}" width="100%" height="{height:.0f}" viewBox="0 0 100 {height:.0f}" '
            f'preserveAspectRatio="none" overflow="visible">{"".join(body)}</svg>')


def _x(x):
    return x if isinstance(x, str) else f"{x:.1f}"


def _text(x, y, text, css_class, anchor="start", dx=None):
    shift = f' dx="{dx}"' if dx else ""
    return (f'<text x="{_x(x)}" y="{y:.1f}"{shift} class="{css_class}" text-anchor="{anchor}">'
            f"{html.escape(str(text))}</text>")


def _percent(value):
    return f"{value:.2f}%"


def totals_bar(ranking, standings):
    """Each agency's total as a horizontal bar, in the order of the table, on a scale to the block's maximum.

    Each name stands above its bar, so that a long name never squeezes the bars on a phone.
    """
    points = points_formatter()
    row, top = 32, 26
    plot = 84  # percent of the width the maximum takes; the rest holds the value after the longest bar
    height = top + row * len(standings) + 4
    body, bars = [], []
    for tick in range(5):  # 0, 25, 50, 75 and 100 % of the maximum
        x = _percent(plot * tick / 4)
        body.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 4}" class="chart-grid"/>')
        body.append(_text(x, top - 12, points(ranking.max_total * tick / 4), "chart-axis",
                          "start" if tick == 0 else "middle"))
    for n, standing in enumerate(standings):
        y = top + row * n
        length = plot * float(standing.total) / float(ranking.max_total)
        body.append(_text(0, y + 12, standing.display_name, "chart-label"))
        bars.append(f'<rect x="0" y="{y + 16}" width="{length:.2f}" height="12" class="series-0"/>')
        body.append(_text(_percent(length), y + 26.5, points(standing.total), "chart-value", dx=6))
    return _fluid_svg(height, body + [_stretched(height, bars)], "chart-bars")


def history_line(history, forebears=()):
    """Percent of the maximum over the years (percent, because maxima may change between years), and the rank.

    `history` is [(year, standing or None), ...], oldest first; a year without a standing leaves a gap.
    `forebears` are [(year, standing, name)]: the results of the agencies it was formed from, drawn apart (hollow,
    in another colour per agency, named in a legend under the chart) because they are theirs; their years join
    the axis.
    """
    points = points_formatter()
    left, top, plot_bottom = 56, 48, 238  # px: the axis' labels left of `left`; the lowest percent at `plot_bottom`
    first, last = 4, 72  # percent of the width after `left` where the first and the last year stand
    own = dict(history)
    years = sorted({*own, *(year for year, _standing, _name in forebears)}, key=lambda year: year.year)
    colours = {}  # each forebear its colour
    for _year, _standing, name in forebears:
        colours.setdefault(name, f"series-{1 + len(colours) % (SERIES - 1)}")
    legend_top = plot_bottom + 50
    height = legend_top + 22 * len(colours) - (12 if colours else 16)

    def x_of(year):
        if len(years) == 1:
            return (first + last) / 2
        return first + (last - first) * years.index(year) / (len(years) - 1)

    # The scale fits the results (in tens, with room around them): a change of a few points shows, which a
    # scale from 0 to 100 % flattens. The axis says where it starts.
    shown = [float(s.percent) for s in own.values() if s] + [float(s.percent) for _y, s, _n in forebears]
    low = max(0, math.floor((min(shown, default=0) - 5) / 10) * 10)
    high = min(100, max(low + 20, math.ceil((max(shown, default=100) + 5) / 10) * 10))

    def y_of(percent):
        return top + (plot_bottom - top) * (1 - (percent - low) / (high - low))

    grid, runs, run, marks = [], [], [], []
    for percent in range(low, high + 1, 10 if high - low <= 50 else 25):
        y = y_of(percent)
        grid.append(f'<line x1="{left}" y1="{y:.1f}" x2="100%" y2="{y:.1f}" class="chart-grid"/>')
        grid.append(_text(left - 8, y + 4, f"{percent} %", "chart-axis", "end"))
    for year in years:
        x, standing = x_of(year), own.get(year)
        marks.append(_text(_percent(x), plot_bottom + 22, str(year), "chart-axis", "middle"))
        if standing is None:
            runs, run = runs + [run], []
            continue
        y = y_of(float(standing.percent))
        run.append(f"{x:.2f},{y:.1f}")
        marks.append(f'<circle cx="{_percent(x)}" cy="{y:.1f}" r="5" class="series-0"/>')
        marks.append(_text(_percent(x), y - 10, f"{points(standing.percent)} %", "chart-value", "middle"))
        # The rank too: a rank can fall while the percent rises.
        rank = _("rank %(rank)s") % {"rank": standing.rank} if standing.rank else _("not ranked")
        marks.append(_text(_percent(x), y - 28, rank, "chart-value chart-rank", "middle"))
    for year, standing, name in forebears:
        x, y = x_of(year), y_of(float(standing.percent))
        marks.append(f'<circle cx="{_percent(x)}" cy="{y:.1f}" r="5" class="chart-forebear {colours[name]}">'
                     f"<title>{escape(name)}: {points(standing.percent)} %</title></circle>")
        marks.append(_text(_percent(x), y + 4, f"{points(standing.percent)} %", "chart-value", dx=9))
    legend = []
    for n, (name, css_class) in enumerate(colours.items()):
        y = legend_top + 22 * n
        legend.append(f'<circle cx="8" cy="{y - 5}" r="5" class="chart-key {css_class}"/>')
        legend.append(_text(20, y, name, "chart-label"))
    lines = [f'<polyline points="{" ".join(run)}" class="chart-line series-0" vector-effect="non-scaling-stroke"/>'
             for run in runs + [run] if len(run) > 1]
    # The points and their labels in the plot: percentages of the width, after `left`.
    plot = f'<g transform="translate({left} 0)">{"".join(marks)}</g>'
    return _fluid_svg(height, grid + legend + [plot] + ([_stretched(height, lines, left)] if lines else []),
                      "chart-history")


def group_radar(group_maxima, series):
    """Percent of each criteria group's maximum (of what applies of it): `series` is [(label, {code: percent}), ...],
    at most four, the percents from Ranking.group_percents.

    Drawn in units where the radar's radius is 150; the chart scales with its width, and its text is large in those
    units (site.css) so that it is read on a phone as well.
    """
    width, left, centre_x, centre_y, radius = 720, -40, 320, 210, 150
    legend_top, legend_row = centre_y + radius + 64, 36
    height = legend_top + legend_row * len(series) - 20
    angles = [2 * math.pi * n / len(group_maxima) - math.pi / 2 for n in range(len(group_maxima))]

    def corner(angle, percent):
        return centre_x + radius * percent / 100 * math.cos(angle), centre_y + radius * percent / 100 * math.sin(angle)

    def polygon(percents, css_class):
        corners = " ".join("{:.1f},{:.1f}".format(*corner(a, p)) for a, p in zip(angles, percents, strict=True))
        return f'<polygon points="{corners}" class="{css_class}"/>'

    points = points_formatter()
    body = [polygon([level] * len(angles), "chart-grid") for level in (25, 50, 75, 100)]
    for angle, group in zip(angles, group_maxima, strict=True):
        x, y = corner(angle, 100)
        body.append(f'<line x1="{centre_x}" y1="{centre_y}" x2="{x:.1f}" y2="{y:.1f}" class="chart-grid"/>')
        lx, ly = corner(angle, 110)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        below = ly > centre_y + 10  # under the radar a label hangs from its corner, above it sits on it
        body.append(_text(lx, ly + (22 if below else 8 if abs(ly - centre_y) <= 10 else -4),
                          group.criteria_group.localized_short_name, "chart-label", anchor))
    for n, (label, percents_by_code) in enumerate(series):
        css_class = f"series-{n % SERIES}"
        percents = [float(percents_by_code[g.code]) for g in group_maxima]
        body.append(polygon(percents, f"chart-area {css_class}"))
        for angle, percent in zip(angles, percents, strict=True):
            x, y = corner(angle, percent)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="{css_class}">'
                        f"<title>{escape(label)}: {points(percent)} %</title></circle>")
        y = legend_top + legend_row * n
        # The key drawn as the outline is: its colour, fill and dashes.
        body.append(f'<rect x="{left + 2}" y="{y - 18}" width="30" height="18" class="chart-area-key {css_class}"/>')
        body.append(_text(left + 42, y, label, "chart-label"))
    return _scaled_svg(width, height, body, "chart-radar", left)
