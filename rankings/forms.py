from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.numbers import points
from criteria import rules
from criteria.models import EvaluationYear

from .files import validate_evidence
from .models import score_value_error


class AgenciesByBlock(BaseChoiceIterator):
    """The field's agencies under their blocks, read when the form is shown (not when it is declared)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        yield "", self.field.empty_label
        groups = {}
        for agency in self.field.queryset.select_related("group").order_by("group__order", "sort_key"):
            groups.setdefault(str(agency.group), []).append((agency.pk, agency.name))
        yield from groups.items()


class AgencyByBlockField(forms.ModelChoiceField):
    """Agencies listed under their blocks, so that one is found among a province's hundreds."""

    iterator = AgenciesByBlock


class ScoreEntryChoiceForm(forms.Form):
    """Pick whose scores to enter, and for which year (the year a round runs in, to begin with)."""

    agency = AgencyByBlockField(label=_("Agency"), queryset=Agency.objects.all())
    year = forms.ModelChoiceField(label=_("Year"), queryset=EvaluationYear.objects.all(), to_field_name="year")


def _points_field(label, help_text):
    return forms.DecimalField(label=label, max_digits=6, decimal_places=2, localize=True, help_text=help_text)


def _figure_field(label):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, localize=True, min_value=0)


class AgencyScoresForm(forms.Form):
    """An agency's scores for one year: per criterion the self-assessment with its evidence, and the appraisal.

    A criterion scored in points takes points; a computed one takes the figures its rule reads (criteria.rules),
    and shows the points they give. Only the fields in `editable` take input; the others show the stored values
    (disabled fields ignore whatever is posted for them). `version` carries the stored scores' fingerprint from
    when the page opened.
    """

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria, stored, editable, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria, self.editable = criteria, editable
        self.names = {}  # criterion id -> the score fields it has on this form
        for criterion in criteria:
            score = stored.get(criterion.pk)
            fields = self.fields_for(criterion)
            self.names[criterion.pk] = list(fields)
            for name, field in fields.items():
                field.required = False
                field.disabled = name not in editable
                field.initial = getattr(score, name) if score and name != "evidence_file" else None
                self.fields[self.field_name(name, criterion)] = field

    @staticmethod
    def fields_for(criterion):
        maximum = _("maximum %(max)s") % {"max": points(criterion.max_points)}
        fields = {
            "evidence_url": forms.URLField(label=_("Evidence link"), assume_scheme="https"),
            "evidence_file": forms.FileField(label=_("Evidence file"), validators=[validate_evidence]),
            "scoring_note": forms.CharField(label=_("How it was scored"),
                                            widget=forms.Textarea(attrs={"rows": 2, "cols": 20})),
            "appraisal_comment": forms.CharField(label=_("Appraiser's comment"),
                                                 widget=forms.Textarea(attrs={"rows": 2, "cols": 30})),
            "not_applicable": forms.BooleanField(label=_("Not applicable")),
            "not_applicable_reason": forms.CharField(label=_("Why not applicable"),
                                                     widget=forms.Textarea(attrs={"rows": 1, "cols": 20})),
        }
        figures = rules.FIGURES.get(criterion.rule)
        if not figures:
            fields["self_assessed"] = _points_field(_("Self-assessed"), maximum)
            fields["value"] = _points_field(_("Appraised"), maximum)
            return fields
        labels = {"numerator": _("Figure"), "denominator": _("Out of")}
        for prefix, label in (("reported_", _("reported")), ("", _("appraised"))):
            for figure in figures:
                fields[prefix + figure] = _figure_field(f"{labels[figure]} ({label})")
        return fields

    @staticmethod
    def field_name(name, criterion):
        return f"{name}_{criterion.pk}"

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            for name in ("self_assessed", "value"):
                value = cleaned.get(self.field_name(name, criterion))
                error = score_value_error(criterion, value) if value is not None else None
                if error:
                    self.add_error(self.field_name(name, criterion), error)
        return cleaned

    def changes(self):
        """{criterion id: {field: value}} for the fields this user may edit."""
        return {
            criterion.pk: {name: self.cleaned_data[self.field_name(name, criterion)]
                           for name in self.names[criterion.pk] if name in self.editable}
            for criterion in self.criteria
        } if self.editable else {}
