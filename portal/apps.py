from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    """The web shell: mounts every room's pages, maps domain errors to
    pages, and holds what belongs to no room (landing, health, seeding)."""

    default = True
    name = "portal"
    verbose_name = "Web shell"


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "portal.admin_site.PortalAdminSite"
