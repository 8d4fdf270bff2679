from django.urls import path

from . import views

app_name = "rankings"

urlpatterns = [
    path("", views.home, name="home"),
    path("rankings/<int:year>/<slug:group_slug>/", views.ranking, name="ranking"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
    path("criteria/<int:year>/<slug:group_slug>/", views.criteria, name="criteria"),
    path("compare/", views.compare, name="compare"),
]
