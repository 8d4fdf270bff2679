"""A year's criteria for one block, to and from a sheet: code, name, criteria group (code and name), maximum, parent,
and the scoring rule with its parameters. `criteria_rows` writes what `import_criteria` reads back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.numbers import parse_number
from common.vietnamese import fold
from criteria import rules
from criteria.models import CriteriaGroup, Criterion
from criteria.rules import Rule
from imports.importing import column_label
from imports.problems import Problem, SheetError, check_not_published
from imports.sheets import read_rows

HEADERS = ["Mã", "Tên tiêu chí", "Nhóm", "Tên nhóm", "Tên nhóm (tiếng Anh)", "Tên ngắn của nhóm",
           "Tên ngắn của nhóm (tiếng Anh)", "Điểm tối đa", "Tiêu chí cha", "Cách tính", "Điểm mỗi mục", "Bậc", "Đơn vị"]
COLUMNS = {  # each key's accepted headers, folded (without diacritics, lower case); the first is written
    "code": {"ma", "ma tieu chi", "code"},
    "name": {"ten tieu chi", "ten", "tieu chi", "name"},
    "criteria_group": {"nhom", "nhom tieu chi", "ma nhom", "criteria group", "criteria_group"},
    "group_name": {"ten nhom", "group name"},
    "group_name_en": {"ten nhom (tieng anh)", "group name in english"},
    "group_short_name": {"ten ngan cua nhom", "group short name"},
    "group_short_name_en": {"ten ngan cua nhom (tieng anh)", "group short name in english"},
    "max_points": {"diem toi da", "toi da", "max", "maximum", "max_points"},
    "parent": {"tieu chi cha", "ma cha", "parent"},
    "rule": {"cach tinh", "rule"},
    "points_per_item": {"diem moi muc", "points per item"},
    "tiers": {"bac", "tiers"},
    "unit": {"don vi", "unit"},
}
REQUIRED = ("code", "name", "criteria_group", "max_points")


def rule_names():
    """{folded name: rule}: a rule is written by its code or its name in either language."""
    names = {fold(rule.value): rule for rule in Rule}
    for language in ("vi", "en"):
        with translation.override(language):
            names.update({fold(str(rule.label)): rule for rule in Rule})
    return names


def criteria_rows(year, agency_group):
    """The block's criteria in `year` as the rows of a sheet, header first: what `import_criteria` reads."""
    criteria = (Criterion.objects.filter(year=year, agency_group=agency_group)
                .select_related("criteria_group", "parent").in_framework_order())
    return [HEADERS] + [
        [c.code, c.name, c.criteria_group.code, c.criteria_group.name, c.criteria_group.name_en,
         c.criteria_group.short_name, c.criteria_group.short_name_en, c.max_points,
         c.parent.code if c.parent else None, c.rule,
         c.points_per_item, c.tiers or None, c.unit or None]
        for c in criteria
    ]


def _find_columns(rows):
    for index, row in enumerate(rows[:50]):
        folded = [fold(str(cell)) if cell is not None else "" for cell in row]
        found = {key: folded.index(h) for key, names in COLUMNS.items() for h in folded if h in names}
        if all(key in found for key in REQUIRED):
            return index, found
    return None, None


@transaction.atomic
def import_criteria(*, content, filename, year, agency_group):
    """Create the block's criteria for `year`, and the criteria groups the sheet names that the year and block do not
    have yet; SheetError (nothing created) on any problem."""
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
    groups = {g.code: g for g in CriteriaGroup.objects.filter(year=year, agency_group=agency_group)}
    new_groups = {}  # code -> the fields of a group the sheet creates
    rules_by_name = rule_names()
    problems, parsed = [], {}

    def cell(row, key):
        index = columns.get(key)
        value = row[index] if index is not None and index < len(row) else None
        return str(value).strip() if value is not None and str(value).strip() else None

    def number(row, key):
        """(number, problem) of the cell; (None, None) when blank."""
        index = columns.get(key)
        value = row[index] if index is not None and index < len(row) else None
        if value is None or str(value).strip() == "":
            return None, None
        number, reason = parse_number(value)
        return number, reason and Problem(row_number, label(key), reason, value=value)

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
        group_code = cell(row, "criteria_group") or ""
        if group_code not in groups and group_code not in new_groups:
            if cell(row, "group_name") and group_code:
                new_groups[group_code] = {
                    "name": cell(row, "group_name"), "name_en": cell(row, "group_name_en") or "",
                    "short_name": (cell(row, "group_short_name") or cell(row, "group_name"))[:40],
                    "short_name_en": (cell(row, "group_short_name_en") or "")[:40],
                    "order": len(groups) + len(new_groups) + 1,
                }
            else:
                problems.append(Problem(
                    row_number, label("criteria_group"),
                    _("“%(value)s” is not a criteria group of this year and block (%(codes)s); name a new one in "
                      "the column “Tên nhóm”."),
                    value=group_code, codes=", ".join(groups) or "–",
                ))
        maximum, problem = number(row, "max_points")
        if problem or maximum is None or maximum <= 0:
            problems.append(Problem(row_number, label("max_points"), _("the maximum must be a number above zero.")))
        if not cell(row, "name"):
            problems.append(Problem(row_number, label("name"), _("Each criterion needs a name.")))
        rule = rules_by_name.get(fold(cell(row, "rule") or Rule.POINTS))
        if rule is None:
            problems.append(Problem(row_number, label("rule"), _("“%(value)s” is not a scoring rule; use one of "
                                                                 "%(rules)s."),
                                    value=cell(row, "rule"), rules=", ".join(Rule.values)))
        per_item, problem = number(row, "points_per_item")
        if problem:
            problems.append(problem)
        criterion = Criterion(code=code, name=cell(row, "name") or "", max_points=maximum,
                              rule=rule or Rule.POINTS, points_per_item=per_item, tiers=cell(row, "tiers") or "",
                              unit=cell(row, "unit") or "")
        if rule:
            try:
                rules.check_parameters(criterion)
            except ValidationError as error:  # its messages stay lazy: the problem is told in both languages
                for field, errors in error.error_dict.items():
                    key = field if field in columns else "rule"
                    problems += [Problem(row_number, label(key) if key in columns else None, e.message,
                                         **(e.params or {})) for e in errors]
        parsed[code] = (row_number, criterion, group_code, cell(row, "parent"))
    for row_number, _criterion, _group, parent in parsed.values():
        if parent and parent not in parsed:
            problems.append(Problem(row_number, label("parent"),
                                    _("No criterion in the sheet has the code “%(value)s”."), value=parent))
    if problems:
        raise SheetError(problems)

    for code, fields in new_groups.items():
        groups[code] = CriteriaGroup.objects.create(year=year, agency_group=agency_group, code=code, **fields)
    created = {}
    remaining = dict(parsed)
    while remaining:  # parents before their children
        level = {code: data for code, data in remaining.items() if not data[3] or data[3] in created}
        for code, (row_number, criterion, group_code, parent) in level.items():
            criterion.year, criterion.agency_group, criterion.criteria_group = year, agency_group, groups[group_code]
            criterion.parent, criterion.order = created.get(parent), row_number
            criterion.save()
            created[code] = criterion
            remaining.pop(code)
        if not level:
            raise SheetError([Problem(None, None, _("The parent criteria form a loop."))])
    return len(created)
