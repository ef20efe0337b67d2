"""The lab-result pages, in two lists the web shell mounts under their own
prefixes: the chart's (/doctor/patients/<patient_id>/results/) and the
patient's own (/patient/results/)."""

from django.urls import path

from patients.results import views

chart_result_urls = (
    [
        path("new/", views.result_new, name="new"),
        path("<str:entry_id>/review/", views.result_review, name="review"),
    ],
    "chart_results",
)

own_result_urls = (
    [
        path("", views.results, name="list"),
        path("<str:entry_id>/", views.result, name="detail"),
    ],
    "results",
)
