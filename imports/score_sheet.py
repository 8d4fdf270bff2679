"""The score sheet of one year and block, as staff fill it in: a blank template, or the stored scores.

The layout is the one `importing.interpret` reads back unchanged: a title line, a header row of criterion
codes, a row of criterion names, a row of maxima, then one row per agency with its total.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from agencies.models import Agency
from common.spreadsheets import neutralise
from criteria.models import Criterion
from rankings.models import Score
from rankings.selectors import PublishedYears, block_ranking

AGENCY_HEADER = "Tên cơ quan"
NAMES_LABEL = "Tên tiêu chí"
MAXIMA_LABEL = "Điểm tối đa"
TOTAL_HEADER = "Tổng điểm"


def score_sheet(year, agency_group):
    """(title, rows): every active agency of the block, every scored criterion, stored values or blanks."""
    criteria = list(Criterion.objects.scorable().filter(year=year, agency_group=agency_group).order_by("order", "code"))
    agencies = list(Agency.objects.filter(group=agency_group, is_active=True).alphabetical())
    stored = {
        (agency_id, criterion_id): value
        for agency_id, criterion_id, value in Score.objects.filter(
            criterion__year=year, agency__group=agency_group
        ).values_list("agency_id", "criterion_id", "value")
    }
    rows = [
        ["STT", AGENCY_HEADER, *(c.code for c in criteria), TOTAL_HEADER],
        [None, NAMES_LABEL, *(c.name for c in criteria), None],
        [None, MAXIMA_LABEL, *(c.max_points for c in criteria),
         Criterion.objects.filter(year=year, agency_group=agency_group).maximum()],
    ]
    ranking = block_ranking(published=PublishedYears(), year=year, block=agency_group)
    totals = {standing.agency_id: standing.total for standing in ranking.standings}
    for number, agency in enumerate(agencies, start=1):
        rows.append([number, agency.name, *(stored.get((agency.pk, c.pk)) for c in criteria), totals.get(agency.pk)])
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
