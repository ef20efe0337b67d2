"""The patient's documents, mounted at /patient/documents/ in the patients
namespace."""

from django.urls import path

from patients import documents_views as views

urlpatterns = [
    path("", views.documents, name="documents"),
    path("upload/", views.document_upload, name="document_upload"),
    path("<str:reference>/download/", views.document_download, name="document_download"),
]
