"""The admin site: its home sends each role to what it has to do in the running round."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from rankings.roles import reporter_agency_id, sees_every_agency


class ProvinceAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        # A reporter has one thing to do: its agency's self-assessment (rankings.round_views.round_home_view).
        if reporter_agency_id(request.user) is not None:
            return redirect("admin:rankings_round_home")
        round_home = reverse("admin:rankings_round_home") if sees_every_agency(request.user) else None
        return super().index(request, {**(extra_context or {}), "round_home": round_home})
