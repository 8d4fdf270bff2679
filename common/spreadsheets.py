"""What every file the site writes for spreadsheets shares: content types, and no cell that runs as a formula."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
