from django.urls import path

from . import converters, download_views, views  # noqa: F401  (importing converters registers <year:…>)

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("rankings/<year:year>/<slug:block_slug>/", views.ranking, name="ranking"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
    path("criteria/<year:year>/<slug:block_slug>/", views.criteria, name="criteria"),
    path("compare/", views.compare, name="compare"),
    path("search/", views.search, name="search"),
    path("open-data/", download_views.open_data, name="open_data"),
]
