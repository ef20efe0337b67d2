from django.urls import include, path

from clinicians import views

app_name = "clinicians"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/<str:patient_id>/documents/", include("clinicians.document_urls")),
    path("patients/", include("clinicians.chart_urls")),
]
