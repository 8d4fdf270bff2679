from axes.apps import AppConfig as AxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ProvinceAdminConfig(AdminConfig):
    """Django's admin, with our site (config.admin_site) as admin.site."""

    default_site = "config.admin_site.ProvinceAdminSite"


class LoginAttemptsConfig(AxesConfig):
    """django-axes, under a name staff read (its own says "Axes")."""

    verbose_name = _("Login attempts")
