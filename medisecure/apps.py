from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MedisecureConfig(AppConfig):
    default = True
    name = "medisecure"
    verbose_name = "Portal"


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "medisecure.admin_site.PortalAdminSite"
