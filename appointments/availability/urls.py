"""The doctor's hours page, under /doctor/availability/."""

from django.urls import path

from appointments.availability import views

urlpatterns = [
    path("", views.availability, name="availability"),
]
