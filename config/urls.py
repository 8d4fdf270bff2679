from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from public import converters  # noqa: F401  (the <year:…> converter)
from public.views import ranking_download

from .health import health

urlpatterns = [
    path("healthz", health, name="health"),
    # Downloads are the same in every language, so they live outside the language prefix.
    path("rankings/<year:year>/<slug:block_slug>.<str:fmt>", ranking_download, name="ranking_download"),
    # Vietnamese at /, English at /en/: each page has a stable address per language.
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("", include("public.urls")),
        prefix_default_language=False,
    ),
]
