from django.urls import register_converter

YEAR_PATTERN = "[1-9][0-9]{3}"  # four digits, no leading zero: in addresses and in ?year=


class YearConverter:
    """A year in an address: four digits, no leading zero, so that each year has one address (and one cache entry)."""

    regex = YEAR_PATTERN

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(YearConverter, "year")  # here, once: both URL modules import this one
