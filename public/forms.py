"""The query parameters of the public pages, read by forms: a value that is not valid is refused, never guessed."""

from django import forms

from .converters import YEAR_PATTERN


class YearForm(forms.Form):
    """?year=: four digits, no leading zero (the addresses' own rule); absent means the newest published year."""

    year = forms.RegexField(regex=rf"\A{YEAR_PATTERN}\Z", required=False)

    def clean_year(self):
        return int(self.cleaned_data["year"]) if self.cleaned_data["year"] else None


class AgencyYearsForm(YearForm):
    """?year=2019&against=2018: the year shown and the year it is compared with (absent: the one before)."""

    against = forms.RegexField(regex=rf"\A{YEAR_PATTERN}\Z", required=False)

    def clean_against(self):
        return int(self.cleaned_data["against"]) if self.cleaned_data["against"] else None


class CompareForm(YearForm):
    """?year=2019&agencies=a,b: the middleware has already joined ?agencies=a&agencies=b into one list."""

    agencies = forms.CharField(required=False)

    def clean_agencies(self):
        return [slug for slug in self.cleaned_data["agencies"].split(",") if slug]
