"""The record's download, mounted at /patient/records/download/ (beside the
record's own pages, whose patterns it does not share)."""

from django.urls import path

from patients.exports import views

app_name = "exports"
urlpatterns = [
    path("<slug:file_format>/", views.record_download, name="download"),
]
