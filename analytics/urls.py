"""The analytics dashboard, mounted at /marketing/analytics/."""

from django.urls import path

from analytics import views

urlpatterns = [
    path("", views.dashboard, name="analytics_dashboard"),
]
