"""The appendix of the decision that approves a year's results: per block, the table provinces attach to it
(STT, name, criteria-group scores, total, rank, class), as a Word document and as a printable page, in Vietnamese.

Its numbers are the rankings' (rankings.selectors, rankings.results), as on every other page.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt

from common.numbers import points

from .selectors import PublishedYears, blocks_of, build_rankings


@dataclass
class AppendixTable:
    ranking: object  # selectors.Ranking
    header: list  # column titles
    rows: list  # one list of texts per agency


def decision_line(year):
    """ "(Attached to Decision No. … of …)" in the words of the time, or "" before a decision is recorded."""
    if not year.decision_number:
        return ""
    return _("(Attached to Decision No. %(number)s of %(date)s of the provincial People's Committee)") % {
        "number": year.decision_number, "date": formats.date_format(year.decision_signed_on, "SHORT_DATE_FORMAT")}


def appendix_tables(year):
    """One table per block of `year` (published), agencies in rank order, the unranked last with their reason."""
    blocks = list(blocks_of(year))
    rankings = build_rankings(years=[year], published=PublishedYears(), blocks=blocks)
    tables = []
    for block in blocks:
        ranking = rankings[year.pk, block.pk]
        header = [_("No."), _("Agency"),
                  *(f"{g.criteria_group.localized_short_name} ({points(g.maximum)})" for g in ranking.group_maxima),
                  _("Total (%(max)s)") % {"max": points(ranking.max_total)}, _("Rank"), _("Class")]
        rows = [[str(number), s.name, *(points(s.groups[g.code]) for g in ranking.group_maxima), points(s.total),
                 str(s.rank) if s.rank else _("Not ranked: %(reason)s") % {"reason": s.unranked_reason},
                 s.band.localized_name if s.band else ""]
                for number, s in enumerate(ranking.standings, start=1)]
        tables.append(AppendixTable(ranking, header, rows))
    return tables


def title(year):
    return _("Results of the evaluation and ranking of e-government maturity of state agencies, %(year)s") % {
        "year": year}


def appendix_docx(year):
    """The appendix as a Word document (bytes): landscape A4, one titled table per block."""
    with translation.override(settings.LANGUAGE_CODE):
        document = Document()
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.5))
        document.styles["Normal"].font.name = "Times New Roman"
        document.styles["Normal"].font.size = Pt(11)
        document.add_heading(_("Appendix"), level=1)
        document.add_paragraph(title(year))
        if decision_line(year):
            document.add_paragraph(decision_line(year))
        for table in appendix_tables(year):
            document.add_heading(str(table.ranking.block), level=2)
            grid = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
            for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = text
                cell.paragraphs[0].runs[0].bold = True
            for row in table.rows:
                for cell, text in zip(grid.add_row().cells, row, strict=True):
                    cell.text = text
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
