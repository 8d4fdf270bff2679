"""A year's criteria for one block from a sheet with the columns code, name, criteria group, maximum, parent."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.numbers import parse_number
from common.vietnamese import fold
from criteria.models import CriteriaGroup, Criterion
from imports.importing import column_label
from imports.problems import Problem, SheetError, check_not_published
from imports.sheets import read_rows

COLUMNS = {
    "code": {"ma", "ma tieu chi", "code"},
    "name": {"ten", "ten tieu chi", "tieu chi", "name"},
    "criteria_group": {"nhom", "nhom tieu chi", "ma nhom", "criteria group", "criteria_group"},
    "max_points": {"diem toi da", "toi da", "max", "maximum", "max_points"},
    "parent": {"tieu chi cha", "ma cha", "parent"},
}
REQUIRED = ("code", "name", "criteria_group", "max_points")


def _find_columns(rows):
    for index, row in enumerate(rows[:50]):
        folded = [fold(str(cell)) if cell is not None else "" for cell in row]
        found = {key: folded.index(h) for key, names in COLUMNS.items() for h in folded if h in names}
        if all(key in found for key in REQUIRED):
            return index, found
    return None, None


@transaction.atomic
def import_criteria(*, content, filename, year, agency_group):
    """Create the block's criteria for `year`; SheetError (nothing created) on any problem."""
    check_not_published(year)
    if Criterion.objects.filter(year=year, agency_group=agency_group).exists():
        raise SheetError([Problem(None, None, _("The block “%(block)s” already has criteria in %(year)s."),
                                  block=agency_group.name, year=year.year)])
    rows = read_rows(content, filename)
    header_index, columns = _find_columns(rows)
    if header_index is None:
        raise SheetError([Problem(None, None, _(
            "No header row found: the sheet needs the columns code, name, criteria group and maximum."))])
    header = rows[header_index]
    groups = {g.code: g for g in CriteriaGroup.objects.all()}
    problems, parsed = [], {}

    def cell(row, key):
        index = columns.get(key)
        value = row[index] if index is not None and index < len(row) else None
        return str(value).strip() if value is not None and str(value).strip() else None

    def label(key):
        return column_label(columns[key], header[columns[key]])

    for index in range(header_index + 1, len(rows)):
        row, row_number = rows[index], index + 1
        code = cell(row, "code")
        if code is None and not any(cell(row, key) for key in COLUMNS):
            continue
        if code is None or code in parsed:
            problems.append(Problem(row_number, label("code"), _("Each criterion needs a code of its own.")))
            continue
        group = groups.get(cell(row, "criteria_group") or "")
        if group is None:
            problems.append(Problem(
                row_number, label("criteria_group"),
                _("“%(value)s” is not a criteria group code; use one of %(codes)s."),
                value=cell(row, "criteria_group"), codes=", ".join(groups),
            ))
        maximum, reason = parse_number(row[columns["max_points"]] if columns["max_points"] < len(row) else None)
        if reason or maximum <= 0:
            problems.append(Problem(row_number, label("max_points"), _("the maximum must be a number above zero.")))
        if not cell(row, "name"):
            problems.append(Problem(row_number, label("name"), _("Each criterion needs a name.")))
        parsed[code] = (row_number, cell(row, "name"), group, maximum, cell(row, "parent"))
    for row_number, _name, _group, _maximum, parent in parsed.values():
        if parent and parent not in parsed:
            problems.append(Problem(row_number, label("parent"),
                                    _("No criterion in the sheet has the code “%(value)s”."), value=parent))
    if problems:
        raise SheetError(problems)

    created = {}
    remaining = dict(parsed)
    while remaining:  # parents before their children
        level = {code: data for code, data in remaining.items() if not data[4] or data[4] in created}
        for code, (row_number, name, group, maximum, parent) in level.items():
            created[code] = Criterion.objects.create(
                year=year, agency_group=agency_group, criteria_group=group, parent=created.get(parent),
                code=code, name=name, max_points=maximum, order=row_number,
            )
            remaining.pop(code)
        if not level:
            raise SheetError([Problem(None, None, _("The parent criteria form a loop."))])
    return len(created)
