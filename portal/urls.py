"""The root URLconf: every room mounts its own pages under its own prefix,
so no include depends on another's order."""

from django.contrib import admin
from django.urls import include, path

from patients.documents.urls import chart_document_urls, own_document_urls
from patients.messages.urls import doctor_message_urls, own_message_urls
from patients.records.urls import chart_urls, own_record_urls
from patients.results.urls import chart_result_urls, own_result_urls
from patients.visits.urls import doctor_visit_urls, own_visit_urls
from portal import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.language_set, name="language_set"),
    path("", include("accounts.urls")),
    path("signup/", include("patients.signup.urls")),
    path("patient/", include("patients.urls")),
    path("patient/records/", include(own_record_urls)),
    path("patient/records/download/", include("patients.exports.urls")),
    path("patient/documents/", include(own_document_urls)),
    path("patient/messages/", include(own_message_urls)),
    path("doctor/messages/", include(doctor_message_urls)),
    path("patient/results/", include(own_result_urls)),
    path("patient/visits/", include(own_visit_urls)),
    path("doctor/visits/", include(doctor_visit_urls)),
    # The chart's pages, its documents tab and the emergency access page
    # share /doctor/patients/; their patterns are disjoint (the chart's own
    # leaves "emergency/" alone), so their order here does not matter.
    path("doctor/patients/", include(chart_urls)),
    path("doctor/patients/<str:patient_id>/documents/", include(chart_document_urls)),
    path("doctor/patients/<str:patient_id>/results/", include(chart_result_urls)),
    path("doctor/patients/emergency/", include("patients.emergency.urls")),
    # /doctor/ (the schedule), /doctor/availability/, /doctor/appointments/...
    # and /patient/appointments/...: paths no other include matches, so its
    # place in this list does not matter.
    path("", include("appointments.urls")),
    path("frontdesk/", include("appointments.frontdesk.urls")),
    # The marketer's home (the dashboard, its CSVs) and the clinic directory
    # under it: "directory/" is no chart's "<name>.csv".
    path("marketing/", include("analytics.urls")),
    path("marketing/directory/", include("clinicians.urls")),
    path("clinicians/apply/", include("clinicians.applications.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
