from django.contrib.admin.apps import AdminConfig


class ProvinceAdminConfig(AdminConfig):
    """Django's admin, with our site (config.admin_site) as admin.site."""

    default_site = "config.admin_site.ProvinceAdminSite"
