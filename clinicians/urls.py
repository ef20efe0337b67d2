"""The clinic directory, mounted at /marketing/."""

from django.urls import path

from clinicians import views

urlpatterns = [
    path("", views.directory, name="marketing"),
]
