from django.urls import include, path

from patients import views

app_name = "patients"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("documents/", include("patients.document_urls")),
    path("records/", views.records, name="records"),
    path("records/access/", views.record_access_log, name="record_access_log"),
    path("records/download/<slug:file_format>/", views.records_download, name="records_download"),
]

# Mounted at /signup/ (anyone may start one), in its own namespace.
signup_urls = (
    [
        path("", views.signup_start, name="start"),
        path("verify/", views.signup_verify, name="verify"),
        path("verify/resend/", views.signup_resend, name="resend"),
        path("complete/", views.signup_complete, name="complete"),
    ],
    "signup",
)
