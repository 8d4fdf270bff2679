"""The score sheet of one year and block, as staff fill it in: a blank template, or the stored scores.

The layout is the one `importing.interpret` reads back unchanged: a title line, a header row of criterion
codes, a row of criterion names, a row of maxima, then one row per agency with its total.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from common.spreadsheets import neutralise
from criteria import rules
from criteria.models import Criterion
from rankings.models import Score
from rankings.selectors import PublishedYears, block_members, block_ranking

from .importing import FIGURE_HEADERS

AGENCY_HEADER = "Tên cơ quan"
NAMES_LABEL = "Tên tiêu chí"
MAXIMA_LABEL = "Điểm tối đa"
TOTAL_HEADER = "Tổng điểm"
NOT_APPLICABLE = "Không áp dụng"


def score_sheet(year, agency_group):
    """(title, rows): every agency of the block that year (rankings.selectors.block_members), under its name of
    that year, every scored criterion, stored values or blanks.

    A criterion scored in points has one column; a computed one a column per figure its rule reads ("2.1 số liệu",
    "2.1 tổng số"), holding the appraised figures. A criterion marked not applicable reads "Không áp dụng".
    """
    criteria = list(Criterion.objects.scorable().filter(year=year, agency_group=agency_group).order_by("order", "code"))
    members = block_members(year, agency_group)
    stored = {(s.agency_id, s.criterion_id): s for s in Score.objects.filter(
        criterion__year=year, criterion__agency_group=agency_group).only(
        "agency_id", "criterion_id", "value", "not_applicable", "numerator", "denominator")}
    columns = [(c, figure) for c in criteria for figure in (rules.FIGURES.get(c.rule) or (None,))]

    def cell(agency, criterion, figure):
        score = stored.get((agency.pk, criterion.pk))
        if score is None:
            return None
        if score.not_applicable:
            return NOT_APPLICABLE
        return getattr(score, figure) if figure else score.value

    rows = [
        ["STT", AGENCY_HEADER, *(f"{c.code} {FIGURE_HEADERS[figure]}" if figure else c.code for c, figure in columns),
         TOTAL_HEADER],
        [None, NAMES_LABEL, *(c.name for c, _figure in columns), None],
        [None, MAXIMA_LABEL, *(c.max_points for c, _figure in columns),
         Criterion.objects.filter(year=year, agency_group=agency_group).maximum()],
    ]
    # The points achieved, as the row's cells add up (a converted total would not).
    ranking = block_ranking(published=PublishedYears(), year=year, block=agency_group)
    totals = {standing.agency_id: standing.points for standing in ranking.standings}
    for number, member in enumerate(members, start=1):
        rows.append([number, member.name, *(cell(member.agency, c, figure) for c, figure in columns),
                     totals.get(member.agency.pk)])
    title = f"Bảng điểm đánh giá Chính quyền điện tử năm {year.year} — {agency_group.name}"
    return title, rows


def to_xlsx(year, agency_group):
    title, rows = score_sheet(year, agency_group)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year.year)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    for row in rows:
        sheet.append([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for cell in sheet[4]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "C6"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(year, agency_group):
    title, rows = score_sheet(year, agency_group)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerows([["" if cell is None else neutralise(cell) if isinstance(cell, str) else cell for cell in row]
                      for row in rows])
    return buffer.getvalue().encode("utf-8")


WRITERS = {"xlsx": to_xlsx, "csv": to_csv}
