from django.contrib import admin
from django.urls import include, path

from clinicians import views as clinician_views
from medisecure import views
from medisecure.identity import views as identity
from medisecure.identity.access import public
from patients.urls import signup_urls

oidc_urls = [
    path("authenticate/", public(identity.AuthenticateView.as_view()), name="oidc_authentication_init"),
    path("callback/", public(identity.CallbackView.as_view()), name="oidc_authentication_callback"),
]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("oidc/", include(oidc_urls)),
    path("home/", identity.home, name="home"),
    path("sign-out/", identity.sign_out, name="sign_out"),
    path("signed-out/", identity.signed_out, name="signed_out"),
    path("signed-out/<slug:reason>/", identity.signed_out, name="signed_out_reason"),
    path("account/mfa/", identity.mfa_setup, name="mfa_setup"),
    path("signup/", include(signup_urls)),
    path("patient/", include("patients.urls")),
    path("doctor/", include("clinicians.urls")),
    # /doctor/availability/ and /patient/appointments/...: after the two
    # includes above, whose own paths they do not match.
    path("", include("appointments.urls")),
    path("marketing/", clinician_views.directory, name="marketing"),
    path("clinicians/apply/", clinician_views.apply, name="clinician_apply"),
    path("clinicians/apply/submitted/", clinician_views.apply_submitted, name="clinician_apply_submitted"),
    path("admin/", admin.site.urls),
]

handler400 = "medisecure.errors.bad_request"
handler403 = "medisecure.errors.permission_denied"
handler404 = "medisecure.errors.page_not_found"
handler500 = "medisecure.errors.server_error"
