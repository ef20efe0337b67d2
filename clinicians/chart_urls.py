"""The doctor's patients and their charts, under /doctor/patients/ (in the
clinicians namespace)."""

from django.urls import path

from clinicians import chart_views

urlpatterns = [
    path("", chart_views.patients, name="patients"),
    # Before the patient pages: "emergency" is not a patient id.
    path("emergency/", chart_views.emergency_access, name="emergency_access"),
    path("<str:patient_id>/", chart_views.chart, name="chart"),
    path("<str:patient_id>/history/", chart_views.chart_history, name="chart_history"),
    path("<str:patient_id>/add/<slug:kind>/", chart_views.chart_entry_add, name="chart_entry_add"),
    path("<str:patient_id>/entries/<str:entry_id>/", chart_views.chart_entry, name="chart_entry"),
]
