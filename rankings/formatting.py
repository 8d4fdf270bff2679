from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import lazy


def points(value):
    """A score as the province writes it: 410.50 -> "410,5", 413.00 -> "413" (comma in Vietnamese)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return number_format(Decimal(text.rstrip("0").rstrip(".") if "." in text else text))


def _render(message, params):
    return str(message) % {k: points(v) if isinstance(v, Decimal) else str(v) for k, v in params.items()}


def lazy_message(message, **params):
    """`message % params`, rendered when shown, in the language active then (numbers as `points`)."""
    return lazy(_render, str)(message, params)
