"""Importing scores from the sheets staff keep: one path for the admin and `manage.py import_scores`.

1. `read_rows` (sheets.py) turns the file into rows of cells.
2. `interpret` finds the header row (below any title lines), the agency, STT, total and criterion
   columns of a wide sheet (one row per agency) or a long one (agency, criterion, score), and checks
   every cell. Any problem refuses the whole file.
3. `apply_import` writes the scores in one transaction through `rankings.services.save_imported_scores`,
   the write path of the entry screen too (bulk writes, history of each change, stored scores read once),
   records an ImportLog, and returns per agency what changed with the totals and ranks that result. A dry
   run does the same and rolls back.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from agencies.models import Agency
from common.numbers import parse_number
from common.vietnamese import fold
from criteria import rules
from criteria.models import Criterion, EvaluationYear
from rankings.files import private_storage
from rankings.models import ImportLog, Score, score_value_error
from rankings.roles import may_import
from rankings.selectors import PublishedYears, block_members, build_rankings
from rankings.services import save_imported_scores

from .problems import Problem, SheetError, check_not_published
from .sheets import FORMULA_WITHOUT_VALUE, read_rows

PENDING_FOLDER = "imports/pending"  # previewed sheets waiting for the admin's confirmation
HEADER_SEARCH_ROWS = 50

# Headers compared by `header_key`: no case, diacritics or punctuation.
AGENCY_HEADERS = {"co quan", "ten co quan", "don vi", "ten don vi", "co quan don vi", "ten co quan don vi", "agency"}
CRITERION_HEADERS = {"tieu chi", "ma tieu chi", "criterion", "criterion code"}
SCORE_HEADERS = {"diem", "score", "value"}
TOTAL_HEADERS = {"tong diem", "tong", "total"}
IGNORED_HEADERS = {"stt", "tt", "so thu tu", "ghi chu", "note", "notes", "xep hang", "hang", "rank", "ty le",
                   "percent", "agency_slug", "slug", "ma co quan"}
# Rows under the header that describe the criteria rather than an agency (the exported template has both).
LABEL_ROWS = {"ten tieu chi", "diem toi da", "criterion name", "criterion names", "maximum", "max"}
PUNCTUATION = re.compile(r"[^\w\s]")


def header_key(cell):
    """ "Tên cơ quan, đơn vị" -> "ten co quan don vi": how a header cell is recognised."""
    return " ".join(PUNCTUATION.sub(" ", fold(str(cell))).split()) if not _is_blank(cell) else ""


@dataclass
class SheetScore:
    """What a sheet says of one agency on one criterion: the Score fields it sets (points, a not-applicable mark, or
    the figures of a computed criterion)."""

    agency: Agency
    criterion: Criterion
    fields: dict
    row: int


# A cell that marks a criterion not applicable to the agency, compared without case or diacritics.
NOT_APPLICABLE_MARKS = {"khong ap dung", "kad", "n/a"}
# The headers of a computed criterion's figure columns: its code, then the figure's name.
FIGURE_SUFFIXES = {"so lieu": "numerator", "figure": "numerator", "tong so": "denominator", "out of": "denominator"}
FIGURE_HEADERS = {"numerator": "số liệu", "denominator": "tổng số"}  # as the score sheet writes them


def is_not_applicable_mark(cell):
    return isinstance(cell, str) and " ".join(fold(cell).split()) in NOT_APPLICABLE_MARKS


@dataclass
class AgencyChanges:
    """What an import does to one agency: each criterion's stored and new value (NA when not applicable)."""

    NA = "not applicable"

    agency: Agency
    changes: list = field(default_factory=list)  # (criterion, old value or None, new value)

    @property
    def created(self):
        return sum(1 for _c, old, _new in self.changes if old is None)

    @property
    def updated(self):
        return sum(1 for _c, old, new in self.changes if old is not None and old != new)

    @property
    def unchanged(self):
        return sum(1 for _c, old, new in self.changes if old == new)


@dataclass
class ImportOutcome:
    log: ImportLog | None
    agencies: list  # [(AgencyChanges, Standing after the import)]
    created: int
    updated: int
    unchanged: int
    dry_run: bool


def column_label(index, header):
    letter = get_column_letter(index + 1)
    return f'{letter} "{header}"' if header not in (None, "") else letter


class AgencyMatcher:
    """Finds an agency of the block in the year by its name of that year, its name, short name or slug; without
    diacritics only when unambiguous."""

    def __init__(self, year, agency_group):
        self.agency_group = agency_group
        self.exact, folded = {}, defaultdict(set)
        members = block_members(year, agency_group)
        for member in members:
            agency = member.agency
            for key in {k for k in (member.name, member.short_name, agency.name, agency.short_name, agency.slug) if k}:
                self.exact[" ".join(key.lower().split())] = agency
                folded[fold(key)].add(agency)
        self.folded = {key: agencies.pop() for key, agencies in folded.items() if len(agencies) == 1}
        self.ambiguous = {key for key, agencies in folded.items() if len(agencies) > 1}
        member_ids = {member.agency.pk for member in members}
        self.others = {
            fold(key): agency
            for agency in Agency.objects.exclude(pk__in=member_ids).select_related("group")
            for key in (agency.name, agency.short_name, agency.slug) if key
        }

    def match(self, text):
        """(agency, None) or (None, problem message and params)."""
        key = " ".join(str(text).lower().split())
        if key in self.exact:
            return self.exact[key], None
        if fold(key) in self.folded:
            return self.folded[fold(key)], None
        if fold(key) in self.ambiguous:
            return None, (_("“%(name)s” could name several agencies of the block; write the full name."), {})
        if fold(key) in self.others:
            other = self.others[fold(key)]
            return None, (_("“%(name)s” belongs to the block “%(block)s”, not to “%(this)s”."),
                          {"block": other.group.name, "this": self.agency_group.name})
        return None, (_("No agency of the block “%(this)s” is called “%(name)s”."), {"this": self.agency_group.name})

    def locate(self, cell, row_number, column):
        """(agency, None) for the agency a sheet cell names, or (None, the Problem at that row and column)."""
        if _is_blank(cell):
            return None, Problem(row_number, column, _("scores without an agency name."))
        agency, failure = self.match(cell)
        if failure:
            message, params = failure
            return None, Problem(row_number, column, message, name=cell, **params)
        return agency, None


class CriterionMatcher:
    def __init__(self, year, agency_group):
        criteria = list(Criterion.objects.filter(year=year, agency_group=agency_group).prefetch_related("children"))
        self.by_code = {c.code: c for c in criteria}
        self.by_folded_code = {" ".join(fold(c.code).split()): c for c in criteria}  # "DV1 số liệu" -> DV1
        self.by_name = {fold(c.name): c for c in criteria}

    def match_figure(self, header):
        """(criterion, "numerator" or "denominator") for a figure column's header such as "2.1 số liệu", or None."""
        text = " ".join(fold(str(header)).split()) if not _is_blank(header) else ""
        for suffix, figure in FIGURE_SUFFIXES.items():
            code = text.removesuffix(suffix).strip()
            if text.endswith(" " + suffix) and code in self.by_folded_code:
                return self.by_folded_code[code], figure
        return None

    def match(self, header):
        """The criterion a column header names: its code, its name, or "code name"."""
        if header is None:
            return None
        text = str(header).strip()
        if isinstance(header, float) and header.is_integer():
            text = str(int(header))
        if text in self.by_code:
            return self.by_code[text]
        if fold(text) in self.by_name:
            return self.by_name[fold(text)]
        code = text.split(" ", 1)[0].rstrip(".")
        return self.by_code.get(code) if " " in text else None


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def interpret(rows, *, year, agency_group, filename=""):
    """The scores a sheet gives, or SheetError with every problem found."""
    reason = str(_("Marked not applicable in the sheet %(file)s") % {"file": filename})
    if all(all(_is_blank(cell) for cell in row) for row in rows):
        raise SheetError([Problem(None, None, _("The sheet is empty."))])
    criteria = CriterionMatcher(year, agency_group)
    if not criteria.by_code:
        raise SheetError([Problem(None, None, _("The block “%(block)s” has no criteria in %(year)s."),
                                  block=agency_group.name, year=year.year)])
    header_index = _find_header(rows, criteria)
    if header_index is None:
        raise SheetError([Problem(None, None, _(
            "No header row found: the sheet needs a row naming the agency column and the criteria by code "
            "(such as 1.2) or name, above the scores."))])
    header = rows[header_index]
    folded = [header_key(cell) for cell in header]
    agencies = AgencyMatcher(year, agency_group)
    if any(h in CRITERION_HEADERS for h in folded) and any(h in SCORE_HEADERS for h in folded):
        scores = _interpret_long(rows, header_index, folded, criteria, agencies, reason)
    else:
        scores = _interpret_wide(rows, header_index, header, folded, criteria, agencies, reason)
    if not scores:
        raise SheetError([Problem(None, None, _("The sheet has no score under its header row."))])
    return scores


def _find_header(rows, criteria):
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        folded = {header_key(cell) for cell in row}
        names_criteria = any(criteria.match(cell) or criteria.match_figure(cell) for cell in row)
        if folded & AGENCY_HEADERS and (names_criteria or (folded & CRITERION_HEADERS and folded & SCORE_HEADERS)):
            return index
    return None


def _number_problem(cell, row_number, column):
    """(number, None) or (None, the Problem) for a cell that must hold a number."""
    if cell is FORMULA_WITHOUT_VALUE:
        return None, Problem(row_number, column, _(
            "the cell holds a formula whose result the file does not store; open the file in Excel or "
            "LibreOffice, let it calculate and save it again, or type the number."))
    value, reason = parse_number(cell)
    return (None, Problem(row_number, column, reason, value=cell)) if reason else (value, None)


def _points_fields(cell, criterion, row_number, column, reason):
    """(Score fields, None) for a points cell (a number or a not-applicable mark), or (None, the Problem)."""
    if is_not_applicable_mark(cell):
        return {"value": None, "not_applicable": True, "not_applicable_reason": reason}, None
    value, problem = _value_problem(cell, criterion, row_number, column)
    return (None, problem) if problem else ({"value": value, "not_applicable": False, "not_applicable_reason": ""},
                                            None)


def _figure_fields(cells, criterion, row_number, labels, reason):
    """(Score fields, None) for a computed criterion's figure cells {figure: cell}, or (None, the Problem)."""
    if any(is_not_applicable_mark(cell) for cell in cells.values()):
        return {"numerator": None, "denominator": None, "value": None, "not_applicable": True,
                "not_applicable_reason": reason}, None
    figures = {"numerator": None, "denominator": None}
    for figure, cell in cells.items():
        if not _is_blank(cell):
            figures[figure], problem = _number_problem(cell, row_number, labels[figure])
            if problem:
                return None, problem
    error = rules.figures_error(criterion, figures["numerator"], figures["denominator"])
    if error:
        return None, Problem(row_number, labels["numerator"], error)
    return {**figures, "not_applicable": False, "not_applicable_reason": ""}, None


def _value_problem(cell, criterion, row_number, column):
    """(points, None) or (None, the Problem) for a cell that must hold points on `criterion`."""
    value, problem = _number_problem(cell, row_number, column)
    if problem:
        return None, problem
    error = score_value_error(criterion, value)
    if error:
        return None, Problem(row_number, column, error)
    return value, None


def _interpret_wide(rows, header_index, header, folded, criteria, agencies, reason):
    problems = []
    agency_column = next(i for i, h in enumerate(folded) if h in AGENCY_HEADERS)
    total_column = next((i for i, h in enumerate(folded) if h in TOTAL_HEADERS), None)
    score_columns = {}  # column -> criterion scored in points
    figure_columns = defaultdict(dict)  # computed criterion -> {figure: column}
    for index, cell in enumerate(header):
        if index in (agency_column, total_column) or _is_blank(cell) or folded[index] in IGNORED_HEADERS:
            continue
        label = column_label(index, cell)
        figure = criteria.match_figure(cell)
        if figure:
            criterion, name = figure
            if not criterion.is_computed:
                problems.append(Problem(header_index + 1, label, _("Criterion %(code)s is scored in points: give its "
                                                                   "column the code alone."), code=criterion.code))
            elif name not in rules.FIGURES[criterion.rule]:
                problems.append(Problem(header_index + 1, label, _("Criterion %(code)s takes one figure, not a "
                                                                   "total."), code=criterion.code))
            elif name in figure_columns[criterion]:
                problems.append(Problem(header_index + 1, label, _("Criterion %(code)s has two columns."),
                                        code=criterion.code))
            else:
                figure_columns[criterion][name] = index
            continue
        criterion = criteria.match(cell)
        if criterion is None:
            problems.append(Problem(header_index + 1, label, _("No criterion of this block and year has the code or "
                                                               "name “%(header)s”."), header=cell))
        elif criterion.children.all():
            problems.append(Problem(header_index + 1, label, _("Criterion %(code)s has sub-criteria: enter the scores "
                                                               "on them."), code=criterion.code))
        elif criterion.is_computed:
            problems.append(Problem(header_index + 1, label, _(
                "Criterion %(code)s is computed from figures: give them in the columns “%(columns)s”."),
                code=criterion.code, columns="”, “".join(f"{criterion.code} {FIGURE_HEADERS[f]}"
                                                         for f in rules.FIGURES[criterion.rule])))
        elif criterion in score_columns.values():
            problems.append(Problem(header_index + 1, label, _("Criterion %(code)s has two columns."),
                                    code=criterion.code))
        else:
            score_columns[index] = criterion
    for criterion, columns in figure_columns.items():
        if "numerator" not in columns:
            problems.append(Problem(header_index + 1, None, _("Criterion %(code)s has a total but no column "
                                                              "“%(figure_column)s”."),
                                    code=criterion.code,
                                    figure_column=f"{criterion.code} {FIGURE_HEADERS['numerator']}"))
    if problems:
        raise SheetError(problems)

    scores, seen = [], {}
    agency_label = column_label(agency_column, header[agency_column])
    used_columns = [*score_columns, *(i for columns in figure_columns.values() for i in columns.values())]
    for index in range(header_index + 1, len(rows)):
        row, row_number = rows[index], index + 1
        cell = row[agency_column] if agency_column < len(row) else None
        values = {i: row[i] if i < len(row) else None for i in used_columns}
        if (_is_blank(cell) and all(_is_blank(v) for v in values.values())) or header_key(cell) in LABEL_ROWS:
            continue  # a blank line, or the criterion names and maxima under the header
        agency, problem = agencies.locate(cell, row_number, agency_label)
        if problem:
            problems.append(problem)
            continue
        if agency.pk in seen:
            problems.append(Problem(row_number, agency_label, _("%(agency)s is already on row %(first_row)s."),
                                    agency=agency.name, first_row=seen[agency.pk]))
            continue
        seen[agency.pk] = row_number
        row_sum = Decimal(0)
        for i, criterion in score_columns.items():
            if _is_blank(values[i]):
                continue
            fields, problem = _points_fields(values[i], criterion, row_number, column_label(i, header[i]), reason)
            if problem:
                problems.append(problem)
                continue
            row_sum += fields["value"] or 0
            scores.append(SheetScore(agency, criterion, fields, row_number))
        for criterion, columns in figure_columns.items():
            cells = {figure: values[i] for figure, i in columns.items()}
            if all(_is_blank(c) for c in cells.values()):
                continue
            labels = {figure: column_label(i, header[i]) for figure, i in columns.items()}
            fields, problem = _figure_fields(cells, criterion, row_number, labels, reason)
            if problem:
                problems.append(problem)
            else:
                scores.append(SheetScore(agency, criterion, fields, row_number))
        # A total can be checked against points only: a computed criterion's are known once computed.
        if (total_column is not None and not figure_columns and total_column < len(row)
                and not _is_blank(row[total_column])):
            total, reason_text = parse_number(row[total_column])
            label = column_label(total_column, header[total_column])
            if reason_text:
                problems.append(Problem(row_number, label, reason_text, value=row[total_column]))
            elif total != row_sum:
                problems.append(Problem(row_number, label, _("the total %(total)s differs from the sum of the row's "
                                                             "scores, %(sum)s."), total=total, sum=row_sum))
    if problems:
        raise SheetError(problems)
    return scores


def _interpret_long(rows, header_index, folded, criteria, agencies, reason):
    header = rows[header_index]
    agency_column = next(i for i, h in enumerate(folded) if h in AGENCY_HEADERS)
    criterion_column = next(i for i, h in enumerate(folded) if h in CRITERION_HEADERS)
    score_column = next(i for i, h in enumerate(folded) if h in SCORE_HEADERS)
    problems, scores, seen = [], [], {}
    agency_label = column_label(agency_column, header[agency_column])
    for index in range(header_index + 1, len(rows)):
        row, row_number = rows[index], index + 1
        cells = [row[i] if i < len(row) else None for i in (agency_column, criterion_column, score_column)]
        if all(_is_blank(c) for c in cells):
            continue
        agency_cell, criterion_cell, value_cell = cells
        agency, problem = agencies.locate(agency_cell, row_number, agency_label)
        if problem:
            problems.append(problem)
            continue
        criterion = criteria.match(criterion_cell)
        label = column_label(criterion_column, header[criterion_column])
        if criterion is None or criterion.children.all():
            problems.append(Problem(row_number, label, _("No criterion of this block and year has the code or name "
                                                         "“%(header)s”."), header=criterion_cell))
            continue
        if criterion.is_computed and not is_not_applicable_mark(value_cell):
            problems.append(Problem(row_number, label, _("Criterion %(code)s is computed from figures: import them "
                                                         "in a sheet with one row per agency."), code=criterion.code))
            continue
        if (agency.pk, criterion.pk) in seen:
            problems.append(Problem(row_number, label, _("%(agency)s is already on row %(first_row)s."),
                                    agency=f"{agency.name} · {criterion.code}",
                                    first_row=seen[agency.pk, criterion.pk]))
            continue
        seen[agency.pk, criterion.pk] = row_number
        if _is_blank(value_cell):
            continue
        column = column_label(score_column, header[score_column])
        fields, problem = (_figure_fields({"numerator": value_cell}, criterion, row_number, {"numerator": column},
                                          reason) if criterion.is_computed
                           else _points_fields(value_cell, criterion, row_number, column, reason))
        if problem:
            problems.append(problem)
        else:
            scores.append(SheetScore(agency, criterion, fields, row_number))
    if problems:
        raise SheetError(problems)
    return scores


def apply_import(*, content, filename, year, agency_group, user, dry_run=False):
    """Import a sheet's scores for one year and block; SheetError (nothing changed) when it has problems.

    Needs the import permission; `user` None is the command line.
    """
    if user is not None and not may_import(user):  # before reading the file; the service checks again
        raise PermissionDenied(f"{user} may not import scores.")
    filename = PurePath(filename).name  # keep the name, never the client's or caller's path
    scores = interpret(read_rows(content, filename), year=year, agency_group=agency_group, filename=filename)
    try:
        return _write(scores, content=content, filename=filename, year=year, agency_group=agency_group, user=user,
                      dry_run=dry_run)
    except (OperationalError, InterfaceError) as error:
        # The transaction died with the connection: nothing was written, and the next try starts afresh.
        raise SheetError([Problem(None, None, _(
            "The database connection was lost during the import; nothing was imported. Try again."))]) from error


def _write(scores, *, content, filename, year, agency_group, user, dry_run):
    with transaction.atomic():
        # One import of a year at a time: a second one waits here for the first to finish.
        year = EvaluationYear.objects.select_for_update().get(pk=year.pk)
        check_not_published(year)
        stored = {
            (s.agency_id, s.criterion_id): s
            for s in Score.objects.filter(criterion__year=year, criterion__agency_group=agency_group).select_related(
                "agency", "criterion")
        }
        before = {key: shown_value(score) for key, score in stored.items()}
        created, updated, unchanged = save_imported_scores(
            year=year, values={(score.agency, score.criterion): score.fields for score in scores}, stored=stored,
            user=user, reason=f"import {filename}")
        after = {(s.agency_id, s.criterion_id): shown_value(s) for s in Score.objects.filter(
            criterion__year=year, criterion__agency_group=agency_group).only("agency_id", "criterion_id", "value",
                                                                   "not_applicable")}
        by_agency = {}
        for score in scores:
            key = (score.agency.pk, score.criterion.pk)
            by_agency.setdefault(score.agency.pk, AgencyChanges(score.agency)).changes.append(
                (score.criterion, before.get(key), after.get(key)))
        log = None
        if not dry_run:
            log = ImportLog.objects.create(
                user=user,
                file_name=filename,
                sha256=hashlib.sha256(content).hexdigest(),
                year=year,
                agency_group=agency_group,
                created=created,
                updated=updated,
                unchanged=unchanged,
            )
            log.file.save(filename, ContentFile(content), save=True)
        published = PublishedYears()
        ranking = build_rankings(years=[year], published=published, blocks=[agency_group])[
            year.pk, agency_group.pk]
        outcome = ImportOutcome(
            log=log,
            agencies=[(changes, ranking.standing_of(changes.agency.pk))
                      for changes in sorted(by_agency.values(), key=lambda c: c.agency.sort_key)],
            created=created,
            updated=updated,
            unchanged=unchanged,
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def shown_value(score):
    """What the preview shows of a stored score: its points, or that it does not apply."""
    return AgencyChanges.NA if score.not_applicable else score.value


def expire_import_previews():
    """Delete the previewed sheets older than IMPORT_PREVIEW_MAX_AGE: their sessions have ended or moved on.

    Returns how many were deleted. Run on every new preview, and daily by `manage.py expire_import_previews`.
    """
    storage = private_storage()
    if not storage.exists(PENDING_FOLDER):
        return 0
    cutoff = timezone.now() - settings.IMPORT_PREVIEW_MAX_AGE
    _folders, names = storage.listdir(PENDING_FOLDER)
    expired = [f"{PENDING_FOLDER}/{name}" for name in names
               if storage.get_modified_time(f"{PENDING_FOLDER}/{name}") < cutoff]
    for path in expired:
        storage.delete(path)
    return len(expired)
