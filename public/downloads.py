"""The downloads, every number from the same Rankings as the pages (rankings.selectors), never a total of their own.

For programs, CSV and JSON keep one contract, documented field by field on the open-data page (the *_FIELDS
lists below are what it shows) and in the README: codes as column names, a decimal point, one row per agency.
For people, XLSX workbooks in Vietnamese, the site's language, whichever page they were downloaded from: headers
in words with the maxima, numbers with two decimals and percentages as percentages, the header row frozen and
filtered, and a sheet that says where the data comes from, which decision approved it and the year's note (where
the data is illustrative, it says so).

Files: one block in one year (`to_csv`, `to_xlsx`, `to_json`); one block in every published year, and an
agency's history (`history_csv`, `block_history_xlsx`, `agency_history_xlsx`); and every criterion's score of a
block in one year (`scores_csv`, and a sheet of `to_xlsx`). Each reads a constant number of queries.
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

from common.numbers import points as written_points
from common.spreadsheets import neutralise
from criteria.models import Criterion
from rankings.models import Score

from .tables import lineage_text

# What each column of the machine files means: the open-data page lists these, in the reader's language.
RANKING_FIELDS = [
    ("rank", gettext_lazy("The official rank in the block; blank (null in JSON) for an agency evaluated but not "
                          "ranked. Equal totals share a rank and the next one is skipped (1, 2, 2, 4).")),
    ("rank_change", gettext_lazy("Places gained since the previous published year, negative when lost; blank (null "
                                 "in JSON) when the agency was not ranked then, or was formed or split since.")),
    ("agency", gettext_lazy("The agency's name in that year.")),
    ("agency_slug", gettext_lazy("The agency's identifier, the same in every year and every file; its page is "
                                 "/agencies/<slug>/.")),
    ("points", gettext_lazy("Points achieved on the criteria that apply to the agency.")),
    ("excluded_points", gettext_lazy("The maxima of the criteria that do not apply to the agency (0 when all "
                                     "apply).")),
    ("applicable_max", gettext_lazy("The maximum it could achieve: max_total − excluded_points.")),
    ("total", gettext_lazy("The converted total that ranks: points ÷ applicable_max × max_total, rounded to the cent, "
                           "halves up; equal to points when nothing is excluded.")),
    ("max_total", gettext_lazy("The block's maximum in that year: the sum of its criteria's maxima.")),
    ("percent", gettext_lazy("points ÷ applicable_max × 100, two decimals.")),
    ("class", gettext_lazy("The class that year's decision sets for the block (for example Tốt, Khá), or the band "
                           "where it sets none, that the percent falls in.")),
    ("ranked", gettext_lazy("true; false for an agency evaluated but left out of the ranking.")),
    ("unranked_reason", gettext_lazy("Why the agency is left out of the ranking; blank when it is ranked.")),
    ("predecessors", gettext_lazy("The agencies it came from since the previous published year, as kind:slug joined "
                                  "by ; (e.g. merged:so-ke-hoach-va-dau-tu); kinds renamed, merged, formed, split. "
                                  "In JSON a list of slug, name and kind.")),
]
GROUP_FIELD = ("<code>", gettext_lazy("One column per criteria group of that year and block, named by its code (e.g. "
                                      "infrastructure): the points achieved in the group."))
HISTORY_FIELDS = [
    ("year", gettext_lazy("The evaluation year.")),
    ("published_on", gettext_lazy("The date the year's results were published (YYYY-MM-DD).")),
    ("block", gettext_lazy("The slug of the block the agency was evaluated in that year.")),
]
HISTORY_GROUP_FIELD = ("<code>", gettext_lazy("One column per criteria group code of any of the years: the points "
                                              "achieved in it; blank in a year whose framework has no such group."))
SCORE_FIELDS = [
    ("year", gettext_lazy("The evaluation year.")),
    ("block", gettext_lazy("The slug of the block.")),
    ("agency", gettext_lazy("The agency's name in that year.")),
    ("agency_slug", gettext_lazy("The agency's identifier, as in the ranking files.")),
    ("criteria_group", gettext_lazy("The code of the criterion's criteria group (a column of the ranking files).")),
    ("criterion_code", gettext_lazy("The criterion's code in that year's framework, e.g. 2.1.1; read it as text (1.10 "
                                    "is not 1.1).")),
    ("parent_code", gettext_lazy("The code of the criterion it is part of; blank for a criterion of the first "
                                 "level. A criterion with sub-criteria has no row: its score is the sum of theirs.")),
    ("criterion", gettext_lazy("The criterion's name.")),
    ("max_points", gettext_lazy("The criterion's maximum.")),
    ("points", gettext_lazy("The appraised points; blank when not applicable or not scored.")),
    ("not_applicable", gettext_lazy("true when the criterion does not apply to the agency: its maximum is then part of "
                                    "the agency's excluded_points.")),
]
JSON_FIELDS = [
    ("year", gettext_lazy("The evaluation year.")),
    ("group", gettext_lazy("The block: slug and name.")),
    ("max_total", gettext_lazy("The block's maximum in that year.")),
    ("decision", gettext_lazy("The People's Committee's decision that approved the results: number and signed_on "
                              "(YYYY-MM-DD); null where none was recorded.")),
    ("criteria_groups", gettext_lazy("The year's criteria groups, in order: code, name, name_en and max.")),
    ("results", gettext_lazy("One object per agency, in the ranking's order, with the CSV's fields (agency as an "
                             "object of name and slug, ranked as true or false, predecessors as a list) and groups, "
                             "an object of each criteria group's code and points.")),
]

CSV_WORDS = {None: "", True: "true", False: "false"}  # as JSON writes them


def header(ranking):
    return [*(code for code, _meaning in RANKING_FIELDS), *(g.code for g in ranking.group_maxima)]


def _fields(ranking, s):
    """One agency's values in the order of RANKING_FIELDS: numbers stay numbers, a blank where there is none (the
    rank of an agency not ranked, the change of a new one)."""
    return [
        s.rank, s.rank_change, neutralise(s.name), neutralise(s.slug), s.points, s.excluded, s.applicable_max,
        s.total, ranking.max_total, s.percent, neutralise(s.band.name) if s.band else None, s.ranked,
        neutralise(s.unranked_reason), ";".join(f'{p["kind"]}:{p["slug"]}' for p in s.predecessors),
    ]


def records(ranking):
    """One list per agency, in the order of `header`."""
    for s in ranking.standings:
        yield [*_fields(ranking, s), *(s.groups[g.code] for g in ranking.group_maxima)]


def _csv(head, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte-order mark makes Excel read UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(head)
    writer.writerows([CSV_WORDS.get(v, v) if isinstance(v, bool) or v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def to_csv(ranking):
    return _csv(header(ranking), records(ranking))


def group_codes(rankings):
    """Every criteria group code of these rankings, each once, in the order they first come."""
    return list(dict.fromkeys(g.code for ranking in rankings for g in ranking.group_maxima))


def history_csv(rows):
    """Rows of (ranking, standing) of several years, one per line: the year, its publication date and the block,
    then the columns of the one-year file, and a column for each group code of any of the years."""
    codes = group_codes(ranking for ranking, _standing in rows)
    return _csv([*(code for code, _meaning in HISTORY_FIELDS), *(code for code, _meaning in RANKING_FIELDS), *codes],
                ([ranking.year.year, ranking.year.published_on.isoformat(), ranking.block.slug,
                  *_fields(ranking, s), *(s.groups.get(code) for code in codes)] for ranking, s in rows))


@dataclass
class CriterionScores:
    """The appraised score of each agency of a block's year on each criterion that takes a score."""

    criteria: list  # scorable criteria, in the order of the criteria page, with their group and parent
    scores: dict  # (agency id, criterion id) -> (value, not applicable)

    def of(self, standing, criterion):
        return self.scores.get((standing.agency_id, criterion.pk), (None, False))


def criterion_scores(ranking):
    """Every criterion's score of the ranking's block and year. Two queries, whatever the sizes."""
    criteria = list(Criterion.objects.scorable().filter(year=ranking.year, agency_group=ranking.block)
                    .select_related("criteria_group", "parent").in_framework_order())
    # Appraised values only, as the agency page shows them: a self-assessment has no official value.
    scores = {(row["agency_id"], row["criterion_id"]): (row["value"], row["not_applicable"])
              for row in Score.objects.filter(criterion__year=ranking.year, criterion__agency_group=ranking.block)
              .values("agency_id", "criterion_id", "value", "not_applicable")}
    return CriterionScores(criteria, scores)


def scores_csv(ranking, scores=None):
    """One line per agency and criterion that takes a score, the agencies in the ranking's order."""
    scores = scores or criterion_scores(ranking)
    return _csv([code for code, _meaning in SCORE_FIELDS], (
        [ranking.year.year, ranking.block.slug, neutralise(s.name), neutralise(s.slug), c.criteria_group.code,
         neutralise(c.code), neutralise(c.parent.code) if c.parent else None, neutralise(c.name), c.max_points,
         *scores.of(s, c)]
        for s in ranking.standings for c in scores.criteria))


def to_json(ranking):
    year = ranking.year  # the People's Committee's decision that approved these results; null where none was recorded
    decision = {"number": year.decision_number, "signed_on": year.decision_signed_on.isoformat()} \
        if year.decision_number else None
    data = {
        "year": ranking.year.year,
        "group": {"slug": ranking.block.slug, "name": ranking.block.name},
        "max_total": float(ranking.max_total),
        "decision": decision,
        "criteria_groups": [
            {"code": g.code, "name": g.criteria_group.name, "name_en": g.criteria_group.name_en,
             "max": float(g.maximum)}
            for g in ranking.group_maxima
        ],
        "results": [
            {
                "rank": s.rank,
                "rank_change": s.rank_change,
                "agency": {"name": s.name, "slug": s.slug},
                "points": float(s.points),
                "excluded_points": float(s.excluded),
                "applicable_max": float(s.applicable_max),
                "total": float(s.total),
                "percent": float(s.percent),
                "class": s.band.name if s.band else None,
                "ranked": s.ranked,
                "unranked_reason": s.unranked_reason or None,
                # The agencies it came from since the previous published year (agencies.Succession).
                "predecessors": [{"slug": p["slug"], "name": p["name"], "kind": p["kind"]} for p in s.predecessors],
                "groups": {code: float(score) for code, score in s.groups.items()},
            }
            for s in ranking.standings
        ],
    }
    # Not indented: json's C encoder then writes it, three times faster (a browser shows it indented).
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# Workbooks for people ---------------------------------------------------------------------------------------------

NUMBER_FORMATS = {
    "rank": "0", "count": "0", "year": "0",
    "change": "+0;-0;0",  # places gained or lost: +2, -1, 0
    "points": "#,##0.00",
    "percent": "0.00%",  # the cell holds a fraction: 82.6 % is 0.826
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")

# The workbooks' headers and sheet names, in Vietnamese in the files; the open-data page shows them with XLSX_SHEETS.
RANK = gettext_lazy("Rank")
CHANGE = gettext_lazy("Change in rank")
AGENCY = gettext_lazy("Agency")
TOTAL = gettext_lazy("Total")
CONVERTED = gettext_lazy("Converted total")
PERCENT = gettext_lazy("Percent achieved")
CLASS = gettext_lazy("Class")
POINTS = gettext_lazy("Points achieved")
EXCLUDED = gettext_lazy("Points excluded (criteria that do not apply)")
APPLICABLE = gettext_lazy("Applicable maximum")
REMARKS = gettext_lazy("Remarks")
IDENTIFIER = gettext_lazy("Agency identifier")
YEAR = gettext_lazy("Year")
BLOCK = gettext_lazy("Block")
RANKED_COUNT = gettext_lazy("Agencies ranked")
MAXIMUM = gettext_lazy("Maximum")
CRITERIA_GROUP = gettext_lazy("Criteria group")
GROUP_POINTS = gettext_lazy("Points")
AVERAGE = gettext_lazy("Block average")
ITEM = gettext_lazy("Item")
DETAILS = gettext_lazy("Details")
WITH_MAX = gettext_lazy("%(name)s (max. %(max)s)")
RANKING_SHEET = gettext_lazy("Ranking %(year)s")
SCORES_SHEET = gettext_lazy("Criterion scores")
ABOUT_SHEET = gettext_lazy("About the data")
HISTORY_SHEET = gettext_lazy("History")
GROUPS_SHEET = gettext_lazy("Criteria groups")
NOT_APPLICABLE = gettext_lazy("Not applicable")

ABOUT_COLUMNS = [
    (YEAR, gettext_lazy("The year a line is about; blank for what holds for every year.")),
    (ITEM, gettext_lazy("What the line tells: the block, the publication date, the decision approving the results, "
                        "the year's note (it says where the data is illustrative), the maxima, how the change in rank "
                        "is counted, the pages' addresses, the source of the data.")),
    (DETAILS, gettext_lazy("The text.")),
]
# (sheet name, what it holds, [(header, meaning)]) of each workbook: the open-data page documents them from here.
RANKING_COLUMNS_DOC = [
    (RANK, gettext_lazy("The official rank; blank for an agency not ranked.")),
    (CHANGE, gettext_lazy("Places gained (+) or lost (−) since the previous published year; blank where the agency "
                          "was not ranked then, or was formed or split since.")),
    (AGENCY, gettext_lazy("The agency's name in that year.")),
    (gettext_lazy("Total (max. …) or Converted total (max. …)"),
     gettext_lazy("The total that ranks; converted where some criteria do not apply to some agencies.")),
    (PERCENT, gettext_lazy("Points achieved ÷ applicable maximum, as a percentage.")),
    (CLASS, gettext_lazy("The year's class for the block, or the band.")),
    (gettext_lazy("<criteria group> (max. …)"), gettext_lazy("One column per criteria group, in the year's order, "
                                                             "headed with its maximum: the points achieved in it.")),
    (POINTS, gettext_lazy("Only where some criteria do not apply to some agencies: the points achieved.")),
    (EXCLUDED, gettext_lazy("Only then: the maxima of the criteria that do not apply to the agency.")),
    (APPLICABLE, gettext_lazy("Only then: the block's maximum less the points excluded.")),
    (REMARKS, gettext_lazy("Why an agency is not ranked; the agencies it came from.")),
    (IDENTIFIER, gettext_lazy("agency_slug, as in the CSV.")),
]
SCORES_COLUMNS_DOC = [
    (RANK, gettext_lazy("The official rank; blank for an agency not ranked.")),
    (AGENCY, gettext_lazy("The agency's name in that year.")),
    (gettext_lazy("<code> <criterion> (max. …)"),
     gettext_lazy("One column per criterion that takes a score, in the order of the criteria page, headed with its "
                  "maximum: the appraised points, “Không áp dụng” where it does not apply, blank where not scored.")),
]
HISTORY_COLUMNS_DOC = [
    (YEAR, gettext_lazy("The evaluation year, newest first.")),
    (BLOCK, gettext_lazy("The block the agency was evaluated in that year.")),
    (AGENCY, gettext_lazy("Its name in that year, or the name of the predecessor whose result the line is.")),
    (RANK, gettext_lazy("The official rank; blank for an agency not ranked.")),
    (RANKED_COUNT, gettext_lazy("How many agencies the block ranked that year.")),
    (CHANGE, gettext_lazy("Places gained (+) or lost (−) since the previous published year.")),
    (CONVERTED, gettext_lazy("The total that ranks (the points achieved when every criterion applies).")),
    (MAXIMUM, gettext_lazy("The block's maximum that year.")),
    (PERCENT, gettext_lazy("Points achieved ÷ applicable maximum, as a percentage.")),
    (CLASS, gettext_lazy("The year's class for the block, or the band.")),
    (POINTS, gettext_lazy("The points achieved.")),
    (EXCLUDED, gettext_lazy("The maxima of the criteria that do not apply to the agency.")),
    (APPLICABLE, gettext_lazy("The block's maximum less the points excluded.")),
    (REMARKS, gettext_lazy("“Kết quả của cơ quan tiền thân” on a predecessor's line; why it is not ranked; what it "
                           "came from.")),
    (IDENTIFIER, gettext_lazy("agency_slug, as in the CSV.")),
]
GROUPS_COLUMNS_DOC = [
    (YEAR, gettext_lazy("The evaluation year.")),
    (AGENCY, gettext_lazy("The agency's name in that year.")),
    (CRITERIA_GROUP, gettext_lazy("The criteria group of that year's framework.")),
    (GROUP_POINTS, gettext_lazy("The points achieved in it.")),
    (MAXIMUM, gettext_lazy("The group's maximum.")),
    (EXCLUDED, gettext_lazy("The maxima of its criteria that do not apply to the agency.")),
    (PERCENT, gettext_lazy("The points achieved of what applies of the group, as a percentage.")),
    (AVERAGE, gettext_lazy("The mean points of the block's ranked agencies in the group.")),
]
XLSX_SHEETS = {
    "year": [(RANKING_SHEET, RANKING_COLUMNS_DOC), (SCORES_SHEET, SCORES_COLUMNS_DOC), (ABOUT_SHEET, ABOUT_COLUMNS)],
    "block": [(RANKING_SHEET, RANKING_COLUMNS_DOC), (ABOUT_SHEET, ABOUT_COLUMNS)],
    "agency": [(HISTORY_SHEET, HISTORY_COLUMNS_DOC), (GROUPS_SHEET, GROUPS_COLUMNS_DOC), (ABOUT_SHEET, ABOUT_COLUMNS)],
}


@dataclass
class Column:
    header: str
    kind: str  # text, wrapped, or one of NUMBER_FORMATS
    width: float
    value: object  # row -> the cell's value


class Sheet:
    """A write-only sheet for people: one header row, bold and wrapped, frozen with the first `keep` columns, and
    filtered; each column as wide as it says and each number in its format; text that would run is neutralised."""

    def __init__(self, workbook, title, columns, keep=0):
        self.sheet = workbook.create_sheet(str(title)[:31])
        self.columns = columns
        self.rows = 0
        for number, column in enumerate(columns, start=1):  # before any row: a write-only sheet writes them first
            self.sheet.column_dimensions[get_column_letter(number)].width = column.width
        self.sheet.freeze_panes = f"{get_column_letter(keep + 1)}2"
        self.sheet.print_title_rows = "1:1"
        self.sheet.page_setup.orientation = "landscape"
        self.sheet.append([self._header(column.header) for column in columns])

    def _header(self, text):
        cell = WriteOnlyCell(self.sheet, neutralise(str(text)))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        return cell

    def _cell(self, value, kind):
        if value is None or value == "":
            return None
        if kind in ("text", "wrapped") or not isinstance(value, int | Decimal):  # words in a column of numbers
            value = neutralise(str(value))
            if kind != "wrapped":
                return value
            cell = WriteOnlyCell(self.sheet, value)
            cell.alignment = WRAPPED
            return cell
        if kind == "percent":
            value = value / 100
        cell = WriteOnlyCell(self.sheet, value if isinstance(value, int) else float(value))
        cell.number_format = NUMBER_FORMATS[kind]
        return cell

    def extend(self, rows):
        for row in rows:
            self.sheet.append([self._cell(column.value(row), column.kind) for column in self.columns])
            self.rows += 1
        return self

    def close(self):
        """Filters on the header row over every row written."""
        self.sheet.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(self.columns))}{self.rows + 1}")


def _save(workbook, sheets, title):
    for sheet in sheets:
        sheet.close()
    workbook.properties.title = title
    workbook.properties.creator = _("E-government ranking")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_max(name, maximum):
    return WITH_MAX % {"name": name, "max": written_points(maximum)}


def _remarks(standing):
    """What the numbers do not say: why an agency is not ranked, what it came from."""
    remarks = [] if standing.ranked else [_("Not ranked: %(reason)s") % {"reason": standing.unranked_reason}]
    if standing.predecessors:
        remarks.append(lineage_text(standing))
    return "; ".join(remarks)


def _ranking_columns(ranking):
    """A block's ranking in one year as the ranking page shows it: where some criteria do not apply, the converted
    total with the points achieved, the points excluded and the applicable maximum."""
    converted = ranking.has_exclusions
    groups = [Column(_with_max(g.criteria_group.name, g.maximum), "points", 16,
                     lambda s, code=g.code: s.groups[code]) for g in ranking.group_maxima]
    return [
        Column(RANK, "rank", 7, lambda s: s.rank),
        Column(CHANGE, "change", 10, lambda s: s.rank_change),
        Column(AGENCY, "text", 42, lambda s: s.name),
        Column(_with_max(CONVERTED if converted else TOTAL, ranking.max_total), "points", 14, lambda s: s.total),
        Column(PERCENT, "percent", 11, lambda s: s.percent),
        Column(CLASS, "text", 14, lambda s: s.band.name if s.band else None),
        *groups,
        *([Column(POINTS, "points", 14, lambda s: s.points),
           Column(EXCLUDED, "points", 16, lambda s: s.excluded),
           Column(APPLICABLE, "points", 14, lambda s: s.applicable_max)] if converted else []),
        Column(REMARKS, "text", 40, _remarks),
        Column(IDENTIFIER, "text", 28, lambda s: s.slug),
    ]


def _ranking_sheet(workbook, ranking):
    return Sheet(workbook, RANKING_SHEET % {"year": ranking.year.year}, _ranking_columns(ranking),
                 keep=3).extend(ranking.standings)


def _scores_sheet(workbook, ranking, scores):
    def score(criterion):
        def value(s):
            points, not_applicable = scores.of(s, criterion)
            return NOT_APPLICABLE if not_applicable else points
        return value

    columns = [Column(RANK, "rank", 7, lambda s: s.rank), Column(AGENCY, "text", 42, lambda s: s.name),
               *(Column(_with_max(f"{c.code} {c.name}", c.max_points), "points", 18, score(c))
                 for c in scores.criteria)]
    return Sheet(workbook, SCORES_SHEET, columns, keep=2).extend(ranking.standings)


def _address(view_name, *args):
    """The page's address: on the site's one address when it has one (SITE_URL), else from the site's root."""
    return settings.SITE_URL + reverse(view_name, args=args)


def _about_year(ranking):
    """(year, label, text) of what a reader of a year's numbers needs to know besides them."""
    year = ranking.year
    decision = (_("No. %(number)s of %(date)s") % {"number": year.decision_number,
                                                   "date": year.decision_signed_on.strftime("%d/%m/%Y")}
                if year.decision_number else _("none recorded"))
    change = (_("Places gained (+) or lost (−) since %(year)s; blank where the agency was not ranked then, or was "
                "formed or split since.") % {"year": ranking.previous_year.year}
              if ranking.previous_year else _("No earlier published year to compare with."))
    rows = [
        (BLOCK, ranking.block.name),
        (_("Publication date"), year.published_on.strftime("%d/%m/%Y")),
        (_("Decision approving the results"), decision),
        (_("Note of the year"), year.note),
        (_("Published incomplete"), year.incomplete_reason),
        (MAXIMUM, "; ".join([_with_max(TOTAL, ranking.max_total),
                             *(_with_max(g.criteria_group.name, g.maximum) for g in ranking.group_maxima)])),
        (CHANGE, change),
    ]
    if ranking.has_exclusions:
        rows.append((CONVERTED, _("Where criteria do not apply to an agency: points achieved ÷ applicable maximum × "
                                  "the block's maximum, rounded to the cent, halves up. The converted total ranks.")))
    rows += [(_("Ranking page"), _address("public:ranking", year.year, ranking.block.slug)),
             (_("Criteria and method"), _address("public:criteria", year.year, ranking.block.slug))]
    return [(year.year, label, text) for label, text in rows if text]


def _about_sheet(workbook, rankings):
    """Each year's block, date, decision, note (“số liệu minh họa” where it says so) and maxima, then the source."""
    general = [
        (None, _("Source"), _("Scores are set by the province's department in charge (the Department of Information "
                              "and Communications until 2025, the Department of Science and Technology since) after "
                              "appraising each agency's self-assessment. Totals, percentages and ranks are computed "
                              "from the published scores.")),
        (None, _("Open data"), _("%(address)s: what every column of every download means.")
         % {"address": _address("public:open_data")}),
    ]
    columns = [Column(YEAR, "year", 8, lambda row: row[0]), Column(ITEM, "text", 30, lambda row: row[1]),
               Column(DETAILS, "wrapped", 110, lambda row: row[2])]
    return Sheet(workbook, ABOUT_SHEET, columns).extend(
        [*(row for ranking in rankings for row in _about_year(ranking)), *general])


def to_xlsx(ranking):
    """A block's year for people: its ranking, every criterion's score, and what to know about the data."""
    scores = criterion_scores(ranking)
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        sheets = [_ranking_sheet(workbook, ranking), _scores_sheet(workbook, ranking, scores),
                  _about_sheet(workbook, [ranking])]
        return _save(workbook, sheets, _("E-government ranking %(year)s: %(block)s")
                     % {"year": ranking.year.year, "block": ranking.block.name})


def block_history_xlsx(block, rankings):
    """A block's ranking in every published year given, newest first: a sheet per year, and about the data."""
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        sheets = [_ranking_sheet(workbook, ranking) for ranking in rankings]
        sheets.append(_about_sheet(workbook, rankings))
        return _save(workbook, sheets, _("E-government ranking: %(block)s, every published year")
                     % {"block": block.name})


@dataclass
class HistoryRow:
    ranking: object
    standing: object
    own: bool  # False: the result of an agency it was renamed, formed or split from, before


def agency_history_xlsx(agency, rows):
    """An agency's results year by year, newest first (with its forebears' before it, marked as theirs): totals,
    ranks and classes, then each criteria group against its maximum and the block's average."""
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook(write_only=True)
        predecessor = _("Result of a predecessor")
        history = Sheet(workbook, HISTORY_SHEET, [
            Column(YEAR, "year", 7, lambda r: r.ranking.year.year),
            Column(BLOCK, "text", 22, lambda r: r.ranking.block.name),
            Column(AGENCY, "text", 40, lambda r: r.standing.name),
            Column(RANK, "rank", 7, lambda r: r.standing.rank),
            Column(RANKED_COUNT, "count", 10, lambda r: len(r.ranking.ranked)),
            Column(CHANGE, "change", 10, lambda r: r.standing.rank_change),
            Column(CONVERTED, "points", 13, lambda r: r.standing.total),
            Column(MAXIMUM, "points", 11, lambda r: r.ranking.max_total),
            Column(PERCENT, "percent", 11, lambda r: r.standing.percent),
            Column(CLASS, "text", 14, lambda r: r.standing.band.name if r.standing.band else None),
            Column(POINTS, "points", 13, lambda r: r.standing.points),
            Column(EXCLUDED, "points", 16, lambda r: r.standing.excluded),
            Column(APPLICABLE, "points", 13, lambda r: r.standing.applicable_max),
            Column(REMARKS, "text", 40,
                   lambda r: "; ".join(filter(None, [None if r.own else predecessor, _remarks(r.standing)]))),
            Column(IDENTIFIER, "text", 28, lambda r: r.standing.slug),
        ], keep=3).extend(rows)
        averages = {id(row.ranking): row.ranking.average() for row in rows}
        group_rows = [(row, g, row.ranking.group_percents(row.standing)[g.code], averages[id(row.ranking)])
                      for row in rows for g in row.ranking.group_maxima]
        groups = Sheet(workbook, GROUPS_SHEET, [
            Column(YEAR, "year", 7, lambda r: r[0].ranking.year.year),
            Column(AGENCY, "text", 40, lambda r: r[0].standing.name),
            Column(CRITERIA_GROUP, "text", 40, lambda r: r[1].criteria_group.name),
            Column(GROUP_POINTS, "points", 11, lambda r: r[0].standing.groups[r[1].code]),
            Column(MAXIMUM, "points", 11, lambda r: r[1].maximum),
            Column(EXCLUDED, "points", 16, lambda r: r[0].standing.group_excluded[r[1].code]),
            Column(PERCENT, "percent", 11, lambda r: r[2]),
            Column(AVERAGE, "points", 12, lambda r: r[3]["groups"][r[1].code] if r[3] else None),
        ], keep=3).extend(group_rows)
        about = _about_sheet(workbook, list({id(row.ranking): row.ranking for row in rows}.values()))
        return _save(workbook, [history, groups, about], _("E-government ranking: the history of %(agency)s")
                     % {"agency": agency.name})


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}
