"""django-simple-history's admin screens, read only and behind the admin's own rules.

Its stock revert form saves any POST from a user who may merely view the object, and its list of changes
finds the object around the admin's `get_queryset`. Here both look the object up through this admin first
(so a reporter meets another agency's score as "not found"), and the past versions can be read, never saved:
a change to scores, years or criteria goes through the services, which check role, stage and freeze.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from .widgets import TolerantAutocompleteMixin


class ReadOnlyHistoryAdmin(TolerantAutocompleteMixin, SimpleHistoryAdmin):
    def visible_history(self, request, records):
        """The historical records of deleted objects that this user may read: narrow it as get_queryset does."""
        return records

    def _deleted_object(self, request, object_id):
        # A deleted object's history stays readable to whoever could read the object (it is the audit trail).
        try:
            pk = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return None
        records = self.visible_history(request, self.model.history.filter(**{self.model._meta.pk.attname: pk}))
        record = records.order_by("-history_date").first()
        return record.instance if record else None

    def _visible_object(self, request, object_id):
        object_id = unquote(object_id)
        # Through get_queryset; None for a malformed id too.
        obj = self.get_object(request, object_id) or self._deleted_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        self._visible_object(request, object_id)
        if not version_id.isascii() or not version_id.isdigit() or len(version_id) > 18:
            raise Http404
        request.reading_history = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if getattr(request, "reading_history", False):
            return [*super().get_readonly_fields(request, obj), *(f.name for f in self.model._meta.fields)]
        return super().get_readonly_fields(request, obj)

    def revert_disabled(self, request, obj=None):
        return True  # hides the Revert button; history_form_view refuses the POST whatever the template shows
