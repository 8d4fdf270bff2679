"""Charts drawn on the server as inline SVG: readable without JavaScript, no script, no CDN.

Every chart sits next to a table with the same numbers (the templates do that); static/css/site.css styles them.
Written as plain SVG text rather than with a charting library, which took longer to draw the 167 bars of a
national ranking than the rest of the page.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

from common.numbers import points_formatter

SERIES = 4  # distinct series colours in site.css (.series-0 … .series-3); a comparison shows up to four agencies
LABEL_CHAR_WIDTH = 7.2  # average width of a 13 px character, to leave room for labels


def _svg(width, height, body):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}">{"".join(body)}</svg>'
    )


def _text(x, y, text, css_class, anchor="start"):
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{css_class}" text-anchor="{anchor}">{escape(text)}</text>'


def totals_bar(ranking, standings):
    """Each agency's total as a horizontal bar, in the order of the table, on a scale to the block's maximum."""
    points = points_formatter()
    row, top, width = 28, 30, 800
    left = min(360, 16 + LABEL_CHAR_WIDTH * max(len(s.display_name) for s in standings))
    plot = width - left - 60  # room for the value after the longest bar
    scale = plot / float(ranking.max_total)
    height = top + row * len(standings) + 10
    body = []
    for tick in range(5):  # 0, 25, 50, 75 and 100 % of the maximum
        x = left + plot * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 10}" class="chart-grid"/>')
        body.append(_text(x, top - 12, points(ranking.max_total * tick / 4), "chart-axis", "middle"))
    for n, standing in enumerate(standings):
        y = top + row * n
        length = float(standing.total) * scale
        body.append(_text(left - 8, y + row / 2 + 4, standing.display_name, "chart-label", "end"))
        body.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" class="series-0"/>')
        body.append(_text(left + length + 6, y + row / 2 + 4, points(standing.total), "chart-value"))
    return _svg(width, height, body)


def history_line(history, forebears=()):
    """Percent of the maximum over the years (percent, because maxima may change between years).

    `history` is [(year, standing or None), ...], oldest first; a year without a standing leaves a gap.
    `forebears` are [(year, standing, name)]: the results of the agencies it was formed from, drawn apart (hollow,
    in another colour per agency, named) because they are theirs; their years join the axis.
    """
    points = points_formatter()
    width, height, left, right, top, bottom = 800, 320, 48, 24, 24, 40
    own = dict(history)
    years = sorted({*own, *(year for year, _standing, _name in forebears)}, key=lambda year: year.year)
    step = (width - left - right) / max(1, len(years) - 1)

    def x_of(year):
        return left + step * years.index(year) if len(years) > 1 else (left + width - right) / 2

    def y_of(percent):
        return top + (height - top - bottom) * (1 - percent / 100)

    grid, runs, run, marks = [], [], [], []
    for percent in range(0, 101, 25):
        y = y_of(percent)
        grid.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="chart-grid"/>')
        grid.append(_text(left - 8, y + 4, f"{percent} %", "chart-axis", "end"))
    for year in years:
        x, standing = x_of(year), own.get(year)
        marks.append(_text(x, height - bottom + 22, str(year), "chart-axis", "middle"))
        if standing is None:
            runs, run = runs + [run], []
            continue
        y = y_of(float(standing.percent))
        run.append(f"{x:.1f},{y:.1f}")
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="series-0"/>')
        marks.append(_text(x, y - 10, f"{points(standing.percent)} %", "chart-value", "middle"))
    colours = {}  # each forebear its colour
    for year, standing, name in forebears:
        x, y = x_of(year), y_of(float(standing.percent))
        css_class = colours.setdefault(name, f"series-{1 + len(colours) % (SERIES - 1)}")
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="chart-forebear {css_class}">'
                     f"<title>{escape(name)}: {points(standing.percent)} %</title></circle>")
        marks.append(_text(x + 8, y + 4, f"{name}: {points(standing.percent)} %", "chart-value"))
    lines = [f'<polyline points="{" ".join(run)}" class="chart-line series-0"/>'
             for run in runs + [run] if len(run) > 1]
    return _svg(width, height, grid + lines + marks)


def group_radar(group_maxima, series):
    """Percent of each criteria group's maximum (of what applies of it): `series` is [(label, {code: percent}), ...],
    at most four, the percents from Ranking.group_percents."""
    points = points_formatter()
    width, centre_x, centre_y, radius = 640, 320, 210, 150
    legend_top = centre_y + radius + 50
    height = legend_top + 24 * len(series)
    angles = [2 * math.pi * n / len(group_maxima) - math.pi / 2 for n in range(len(group_maxima))]

    def corner(angle, percent):
        return centre_x + radius * percent / 100 * math.cos(angle), centre_y + radius * percent / 100 * math.sin(angle)

    def polygon(percents, css_class):
        corners = " ".join("{:.1f},{:.1f}".format(*corner(a, p)) for a, p in zip(angles, percents, strict=True))
        return f'<polygon points="{corners}" class="{css_class}"/>'

    body = [polygon([level] * len(angles), "chart-grid") for level in (25, 50, 75, 100)]
    for angle, group in zip(angles, group_maxima, strict=True):
        x, y = corner(angle, 100)
        body.append(f'<line x1="{centre_x}" y1="{centre_y}" x2="{x:.1f}" y2="{y:.1f}" class="chart-grid"/>')
        lx, ly = corner(angle, 118)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        body.append(_text(lx, ly + 4, group.criteria_group.localized_short_name, "chart-label", anchor))
    for n, (label, percents_by_code) in enumerate(series):
        css_class = f"series-{n % SERIES}"
        percents = [float(percents_by_code[g.code]) for g in group_maxima]
        body.append(polygon(percents, f"chart-area {css_class}"))
        for angle, percent in zip(angles, percents, strict=True):
            x, y = corner(angle, percent)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="{css_class}">'
                        f"<title>{escape(label)}: {points(percent)} %</title></circle>")
        y = legend_top + 24 * n
        body.append(f'<rect x="40" y="{y - 11}" width="14" height="14" class="{css_class}"/>')
        body.append(_text(62, y, label, "chart-label"))
    return _svg(width, height, body)
