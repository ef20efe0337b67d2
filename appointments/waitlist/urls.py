"""The patient's waitlist pages, under /patient/waitlist/."""

from django.urls import path

from appointments.waitlist import views

urlpatterns = [
    path("join/", views.join, name="waitlist_join"),
    path("<str:hold_id>/", views.claim, name="waitlist_claim"),
]
