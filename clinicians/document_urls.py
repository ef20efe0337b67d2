"""A patient's documents for their doctor, mounted at
/doctor/patients/<patient_id>/documents/ in the clinicians namespace."""

from django.urls import path

from clinicians import document_views as views

urlpatterns = [
    path("", views.chart_documents, name="chart_documents"),
    path("upload/", views.chart_document_upload, name="chart_document_upload"),
    path("<str:reference>/download/", views.chart_document_download, name="chart_document_download"),
]
