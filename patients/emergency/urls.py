"""The doctor's emergency access page, mounted at /doctor/patients/emergency/
(the chart's own patterns leave that one path to it)."""

from django.urls import path

from patients.emergency import views

app_name = "emergency"
urlpatterns = [
    path("", views.emergency_access, name="access"),
]
