from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyGroup
from criteria.models import EvaluationYear


class ScoreSheetForm(forms.Form):
    """Which year and block a score sheet is for."""

    year = forms.ModelChoiceField(label=_("Year"), queryset=EvaluationYear.objects.all(), to_field_name="year")
    agency_group = forms.ModelChoiceField(label=_("Block"), queryset=AgencyGroup.objects.all(), to_field_name="slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Where only one choice makes sense, it is made: the one year not yet published, its one block.
        open_years = list(EvaluationYear.objects.exclude(status=EvaluationYear.Status.PUBLISHED)[:2])
        if len(open_years) == 1:
            self.fields["year"].initial = open_years[0].year
            blocks = list(AgencyGroup.objects.filter(criteria__year=open_years[0]).distinct()[:2])
            if len(blocks) == 1:
                self.fields["agency_group"].initial = blocks[0].slug

    def clean(self):
        cleaned = super().clean()
        year, block = cleaned.get("year"), cleaned.get("agency_group")
        if year and block and not block.exists_in(year.year):
            self.add_error("agency_group", _("The block “%(block)s” does not exist in %(year)s.")
                           % {"block": block, "year": year})
        return cleaned


class ScoreImportForm(ScoreSheetForm):
    file = forms.FileField(label=_("Spreadsheet (XLSX, ODS or CSV)"))


class ScoreExportForm(ScoreSheetForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])
