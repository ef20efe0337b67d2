"""The documents pages, in two lists the web shell mounts under their own
prefixes: the patient's own (/patient/documents/) and the chart's documents
tab (/doctor/patients/<patient_id>/documents/)."""

from django.urls import path

from patients.documents import views

own_document_urls = (
    [
        path("", views.documents, name="list"),
        path("upload/", views.document_upload, name="upload"),
        path("<str:reference>/download/", views.document_download, name="download"),
    ],
    "documents",
)

chart_document_urls = (
    [
        path("", views.chart_documents, name="list"),
        path("upload/", views.chart_document_upload, name="upload"),
        path("<str:reference>/download/", views.chart_document_download, name="download"),
    ],
    "chart_documents",
)
