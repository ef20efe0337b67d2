"""Puts the audit trail in the Django admin (imported by admin autodiscovery)."""

from django.contrib import admin

from audit import admin_views
from medisecure.admin_site import RecordSection

admin.site.register_section(
    RecordSection(
        app_label="compliance",
        app_name="Compliance",
        name="Audit trail",
        object_name="AuditEvent",
        list_url_name="audit_list",
        urls=admin_views.urls,
    )
)
