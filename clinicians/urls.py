"""The clinic directory, mounted at /marketing/directory/."""

from django.urls import path

from clinicians import views

urlpatterns = [
    path("", views.directory, name="clinic_directory"),
]
