from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from public import converters  # noqa: F401  (the <year:…> converter)
from public.download_views import agency_download, block_download, scores_download
from public.views import ranking_download

from .health import health

urlpatterns = [
    path("healthz", health, name="health"),
    # Downloads are the same in every language, so they live outside the language prefix.
    path("rankings/<year:year>/<slug:block_slug>.<str:fmt>", ranking_download, name="ranking_download"),
    path("rankings/<slug:block_slug>.<str:fmt>", block_download, name="block_download"),  # every published year
    path("agencies/<slug:slug>.<str:fmt>", agency_download, name="agency_download"),  # an agency's history
    path("scores/<year:year>/<slug:block_slug>.csv", scores_download, name="scores_download"),  # every criterion
    # Vietnamese at /, English at /en/: each page has a stable address per language.
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("", include("public.urls")),
        prefix_default_language=False,
    ),
]
