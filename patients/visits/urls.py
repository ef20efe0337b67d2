"""A visit's summary, in two lists the web shell mounts under their own
prefixes: the patient's (/patient/visits/) and the doctor's (/doctor/visits/)."""

from django.urls import path

from patients.visits import views

own_visit_urls = (
    [path("<str:appointment_id>/", views.own_visit_summary, name="summary")],
    "visits",
)
doctor_visit_urls = (
    [path("<str:appointment_id>/", views.doctor_visit_summary, name="summary")],
    "doctor_visits",
)
