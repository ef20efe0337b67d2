from django.urls import include, path

from accounts import views
from medisecure.identity.access import public

oidc_urls = [
    path("authenticate/", public(views.AuthenticateView.as_view()), name="oidc_authentication_init"),
    path("callback/", public(views.CallbackView.as_view()), name="oidc_authentication_callback"),
]

urlpatterns = [
    path("oidc/", include(oidc_urls)),
    path("home/", views.home, name="home"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("signed-out/<slug:reason>/", views.signed_out, name="signed_out_reason"),
    path("account/", views.account, name="account"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/mfa/", views.mfa_setup, name="mfa_setup"),
    path("account/", include("accounts.recovery.urls")),
    path("account/", include("accounts.email_change.urls")),
]
