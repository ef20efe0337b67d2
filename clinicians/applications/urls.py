"""The public application's pages, mounted at /clinicians/apply/."""

from django.urls import path

from clinicians.applications import views

urlpatterns = [
    path("", views.apply, name="clinician_apply"),
    path("submitted/", views.apply_submitted, name="clinician_apply_submitted"),
]
