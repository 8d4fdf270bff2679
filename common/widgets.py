"""Admin widgets mended for hostile input."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted id up again to show it: a malformed one ("abc", "1.5") made
    that lookup raise, a 500 instead of the form's own "select a valid choice". Such values are shown as none."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        usable = []
        for item in value:
            try:
                key = target.to_python(item)
            except ValidationError:
                continue
            if isinstance(key, int) and not -(2**63) <= key < 2**63:  # beyond any database's integer: no such row
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class TolerantAutocompleteMixin:
    """For a ModelAdmin: its autocomplete fields use TolerantAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is AutocompleteSelect:
            field.widget = TolerantAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return field
