from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from medisecure.identity import cognito, services
from medisecure.identity.access import public, role_required, signed_in
from medisecure.identity.forms import TotpCodeForm
from medisecure.identity.oidc import SIGNED_OUT_LANDINGS, cognito_logout_url
from medisecure.identity.roles import HOME_URL_NAMES, Role

SIGN_IN_FAILURE_STATUS = {"unavailable": 503}


class AuthenticateView(OIDCAuthenticationRequestView):
    """Starts the authorization-code flow (state, nonce and PKCE by the library;
    `next` kept only when it stays on this site)."""


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            request.sign_in_failure = "state_mismatch"
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        services.sign_in_complete(request=self.request, user=self.user)
        return response

    def login_failure(self):
        reason = getattr(self.request, "sign_in_failure", "") or (
            "provider_error" if self.request.GET.get("error") else "no_code"
        )
        services.sign_in_refused(request=self.request, reason=reason)
        return render(
            self.request,
            "identity/sign_in_failed.html",
            {"unavailable": reason == "unavailable"},
            status=SIGN_IN_FAILURE_STATUS.get(reason, 400),
        )


@public
@require_POST
def sign_out(request):
    logout_url = cognito_logout_url() if request.user.is_authenticated else reverse("signed_out")
    services.sign_out(request=request)
    return redirect(logout_url)


@public
@require_GET
def signed_out(request, reason: str = ""):
    if reason not in SIGNED_OUT_LANDINGS:
        raise Http404
    return render(request, "identity/signed_out.html", {"reason": reason})


@role_required(*Role)
@require_GET
def home(request):
    return redirect(HOME_URL_NAMES[request.user.role_enum])


@signed_in
def mfa_setup(request):
    if request.method == "POST" and "start" in request.POST:
        services.mfa_enrolment_begin(request=request)
        return redirect("mfa_setup")
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mfa_enrolment_finish(request=request, code=form.cleaned_data["code"])
        except cognito.CodeMismatch:
            form.add_error("code", "That code did not match. Wait for a new code and try again.")
        else:
            return redirect(cognito_logout_url(reason="mfa-ready"))
    pending = services.mfa_enrolment_pending(request=request)
    return render(request, "identity/mfa_setup.html", {"form": form, "pending": pending})


mfa_setup.allowed_during_mfa_enrolment = True
sign_out.allowed_during_mfa_enrolment = True
