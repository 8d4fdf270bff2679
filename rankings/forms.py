from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyGroup
from criteria.models import EvaluationYear

from .models import score_value_error


class ScoreEntryChoiceForm(forms.Form):
    """Pick whose scores to enter, and for which year."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.select_related("group"))
    year = forms.ModelChoiceField(label=_("Year"), queryset=EvaluationYear.objects.all(), to_field_name="year")


class AgencyScoresForm(forms.Form):
    """One field per scored criterion of an agency's block and year; blank means not scored."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[self.field_name(criterion)] = forms.DecimalField(
                label=f"{criterion.code} {criterion.name}",
                required=False,
                max_digits=6,
                decimal_places=2,
                localize=True,
                help_text=_("maximum %(max)s") % {"max": number_format(criterion.max_points)},
            )

    @staticmethod
    def field_name(criterion):
        return f"criterion_{criterion.pk}"

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            value = cleaned.get(self.field_name(criterion))
            error = score_value_error(criterion, value) if value is not None else None
            if error:
                self.add_error(self.field_name(criterion), error)
        return cleaned

    def values(self):
        """Criterion id -> score, or None where the field was left blank."""
        return {criterion.pk: self.cleaned_data[self.field_name(criterion)] for criterion in self.criteria}


class ScoreSheetForm(forms.Form):
    """Which year and block a score sheet is for."""

    year = forms.ModelChoiceField(label=_("Year"), queryset=EvaluationYear.objects.all(), to_field_name="year")
    agency_group = forms.ModelChoiceField(label=_("Block"), queryset=AgencyGroup.objects.all(), to_field_name="slug")


class ScoreImportForm(ScoreSheetForm):
    file = forms.FileField(label=_("Spreadsheet (XLSX, ODS or CSV)"))


class ScoreExportForm(ScoreSheetForm):
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])
