"""Puts emergency access review and care teams in the Django admin
(imported by admin autodiscovery)."""

from django.contrib import admin

from medisecure.admin_site import RecordSection
from patients import admin_views

admin.site.register_section(
    RecordSection(
        app_label="patients",
        app_name="Patients",
        name="Emergency access",
        object_name="EmergencyGrant",
        list_url_name=admin_views.REVIEW,
        urls=admin_views.emergency_urls,
    )
)
admin.site.register_section(
    RecordSection(
        app_label="patients",
        app_name="Patients",
        name="Care teams",
        object_name="CareTeam",
        list_url_name=admin_views.CARE_TEAM,
        urls=admin_views.care_team_urls,
    )
)
