from decimal import Decimal

from django.utils.formats import get_format
from django.utils.functional import lazy

CENT = Decimal("0.01")


def points_formatter():
    """`points` for the language active now, to format many numbers: the separator is looked up once.

    (Looking it up costs more than formatting the number, and a national ranking page formats thousands.)
    """
    separator = get_format("DECIMAL_SEPARATOR")

    def points(value):
        if value is None or value == "":
            return ""
        return format(Decimal(value).quantize(CENT), "f").rstrip("0").rstrip(".").replace(".", separator)

    return points


def points(value):
    """A score as the province writes it: 410.50 -> "410,5", 413.00 -> "413" (comma in Vietnamese)."""
    return points_formatter()(value)


def _render(message, params):
    return str(message) % {k: points(v) if isinstance(v, Decimal) else str(v) for k, v in params.items()}


def lazy_message(message, **params):
    """`message % params`, rendered when shown, in the language active then (numbers as `points`)."""
    return lazy(_render, str)(message, params)
