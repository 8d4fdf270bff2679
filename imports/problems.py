"""A problem found in an uploaded sheet, located by sheet row and column, readable in Vietnamese and English."""

from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.numbers import lazy_message
from criteria.models import FROZEN_YEAR_MESSAGE

MAX_SHOWN = 80


def shown(value):
    """A cell's text fit to quote in a message: no control characters, at most MAX_SHOWN characters."""
    if not isinstance(value, str):
        return value
    text = "".join(c if c.isprintable() else " " for c in value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class Problem:
    def __init__(self, row, column, message, **params):
        self.row = row  # the sheet's row number, as the spreadsheet program shows it
        self.column = shown(column)  # the column's letter and header, e.g. 'D "1.2"'
        self.message = message  # a lazy translation with %(name)s parameters
        self.params = {name: shown(value) for name, value in params.items()}

    def reason(self):
        return str(lazy_message(self.message, **self.params)) if self.params else str(self.message)

    def location(self):
        if self.row and self.column:
            return _("row %(row)s, column %(column)s") % {"row": self.row, "column": self.column}
        if self.row:
            return _("row %(row)s") % {"row": self.row}
        if self.column:
            return _("column %(column)s") % {"column": self.column}
        return ""

    def text(self):
        location = self.location()
        return f"{location}: {self.reason()}" if location else self.reason()

    def text_in(self, language):
        with translation.override(language):
            return self.text()

    def reason_in(self, language):
        with translation.override(language):
            return self.reason()

    def __str__(self):
        return self.text()


def check_not_published(year):
    """A sheet cannot change a published year: SheetError, in the words of EvaluationYear.check_not_published."""
    if year.is_published:
        raise SheetError([Problem(None, None, FROZEN_YEAR_MESSAGE, year=year.year)])


class SheetError(Exception):
    """The sheet cannot be imported; nothing was changed."""

    def __init__(self, problems):
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


def read_sheet_file(path):
    """The bytes of a sheet named on the command line, or CommandError saying why not."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


def refuse(command, error, what):
    """Print every problem in Vietnamese and English to the command's stderr, then fail the command."""
    for problem in error.problems:
        command.stderr.write(f"{problem.text_in('vi')}\n    {problem.text_in('en')}")
    return CommandError(f"{len(error.problems)} problem(s) found; {what}.")
