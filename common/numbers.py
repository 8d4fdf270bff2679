"""Numbers as the province writes and reads them: two decimals, a decimal comma, halves rounded up."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import get_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(total, maximum):
    """`total` as a percent of `maximum`, to the cent, halves rounded up as people round them."""
    return cents(total * 100 / maximum)


def points_formatter():
    """`points` for the language active now, to format many numbers: the separator is looked up once.

    (Looking it up costs more than formatting the number, and a national ranking page formats thousands.)
    """
    separator = get_format("DECIMAL_SEPARATOR")

    def points(value):
        if value is None:
            return ""
        if type(value) is not Decimal:  # the numbers of a page are decimals already: no copy of them
            if value == "":
                return ""
            value = Decimal(value)
        return format(value.quantize(CENT), "f").rstrip("0").rstrip(".").replace(".", separator)

    return points


def points(value):
    """A score as the province writes it: 410.50 -> "410,5", 413.00 -> "413" (comma in Vietnamese)."""
    return points_formatter()(value)


def _render(message, params):
    return str(message) % {k: points(v) if isinstance(v, Decimal) else str(v) for k, v in params.items()}


def lazy_message(message, **params):
    """`message % params`, rendered when shown, in the language active then (numbers as `points`)."""
    return lazy(_render, str)(message, params)


def _number_text(text):
    """ "1.234,5" or "1,234.5" or "119,34" -> "1234.5" / "119.34": the last separator marks the decimals."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        return text.replace(thousands, "").replace(decimal_mark, ".")
    for mark in (",", "."):
        if text.count(mark) > 1:  # "1.234.567": only thousands separators
            return text.replace(mark, "")
    return text.replace(",", ".")


def parse_number(value):
    """A score from a cell: a number, or text with a decimal comma or point ("119,34", "1.234,5").

    Returns (Decimal, None) or (None, reason). Never raises, whatever the cell holds.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None, _("“%(value)s” is not a number.")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(
            _number_text(value) if isinstance(value, str) else value)
        if not number.is_finite():
            raise InvalidOperation
        rounded = number.quantize(CENT) + 0  # + 0 turns "-0" into 0
    except (InvalidOperation, ValueError):
        return None, _("“%(value)s” is not a number.")
    # Spreadsheet arithmetic leaves floating-point dust (0.30000000000000004); more real decimals are refused.
    if abs(number - rounded) > Decimal("0.000001"):
        return None, _("“%(value)s” has more than two decimals.")
    return rounded, None
