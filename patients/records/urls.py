"""The medical-history pages, in two lists the web shell mounts under their
own prefixes: the doctor's (/doctor/patients/) and the patient's own record
(/patient/records/; its download, /patient/records/download/, is
patients.exports; who has looked at it, /patient/records/access/, is
patients.access_log)."""

from django.urls import path, register_converter

from patients.access_log import views as access_log_views
from patients.records import views


class ChartPatientId:
    """A patient id in the chart's own address. "emergency" is none: that
    address is the emergency access page (patients.emergency), mounted
    beside this list, so neither depends on being included first."""

    regex = r"(?!emergency/)[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ChartPatientId, "chart_patient")

chart_urls = (
    [
        path("", views.patients, name="patients"),
        path("<chart_patient:patient_id>/", views.chart, name="chart"),
        path("<str:patient_id>/history/", views.chart_history, name="history"),
        path("<str:patient_id>/add/<slug:kind>/", views.chart_entry_add, name="entry_add"),
        path("<str:patient_id>/entries/<str:entry_id>/", views.chart_entry, name="entry"),
        path(
            "<str:patient_id>/entries/<str:entry_id>/addendum/",
            views.chart_addendum_add,
            name="addendum_add",
        ),
    ],
    "chart",
)

own_record_urls = (
    [
        path("", views.record, name="record"),
        path("access/", access_log_views.record_access_log, name="access_log"),
    ],
    "records",
)
