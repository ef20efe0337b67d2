"""The marketer's home, the analytics dashboard, mounted at /marketing/
(the clinic directory is at /marketing/directory/)."""

from django.urls import path

from analytics import views

urlpatterns = [
    path("", views.dashboard, name="marketing"),
    path("<slug:chart>.csv", views.chart_csv, name="analytics_csv"),
]
