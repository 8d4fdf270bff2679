"""django-simple-history's records, named in the site's language: its own names them "historical …" in English
whatever the language (a plain format string)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class History(HistoricalRecords):
    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["verbose_name"] = format_lazy(_("history of {}"), model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy(_("history of {}"), model._meta.verbose_name_plural)
        return options
