"""Signing in and out (OpenID Connect through mozilla-django-oidc) and
enrolling in TOTP MFA. The session clocks and keys are set here; what is
recorded about them is the services' business."""

from __future__ import annotations

import time

from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import services
from accounts.forms import TotpCodeForm
from medisecure import clock
from medisecure.identity import cognito
from medisecure.identity.access import public, role_required, signed_in
from medisecure.identity.actors import actor_of
from medisecure.identity.oidc import SIGNED_OUT_LANDINGS, cognito_logout_url
from medisecure.identity.roles import HOME_URL_NAMES, Role
from medisecure.identity.session_keys import (
    ACCESS_TOKEN,
    IDENTITY_CHECKED_AT,
    LAST_SEEN,
    MFA_ENROLMENT_REQUIRED,
    MFA_PENDING_SECRET,
    REFRESH_TOKEN,
    SIGNED_IN_AT,
)

SIGN_IN_FAILURE_STATUS = {"unavailable": 503, "account_disabled": 403}


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
        request = self.request
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        # The sign-in read the role and enabled state from the pool just now.
        request.session[IDENTITY_CHECKED_AT] = clock.now().timestamp()
        refresh_token = getattr(request, "oidc_refresh_token", "")
        if refresh_token:
            request.session[REFRESH_TOKEN] = refresh_token
        if getattr(request, "mfa_enrolment_required", False):
            request.session[MFA_ENROLMENT_REQUIRED] = True
        services.sign_in_record(
            actor=actor_of(self.user),
            audit=request.audit,
            mfa_enrolment_required=bool(request.session.get(MFA_ENROLMENT_REQUIRED)),
        )
        return response

    def login_failure(self):
        reason = getattr(self.request, "sign_in_failure", "") or (
            "provider_error" if self.request.GET.get("error") else "no_code"
        )
        services.sign_in_refused_record(audit=self.request.audit, reason=reason)
        return render(
            self.request,
            "accounts/sign_in_failed.html",
            {"unavailable": reason == "unavailable", "disabled": reason == "account_disabled"},
            status=SIGN_IN_FAILURE_STATUS.get(reason, 400),
        )


def end_session(request) -> None:
    """Record the sign-out, revoke the session's refresh token and end the
    portal session (the caller then ends the hosted UI's)."""
    if request.user.is_authenticated:
        services.sign_out_record(
            actor=request.actor, audit=request.audit, refresh_token=request.session.get(REFRESH_TOKEN, "")
        )
    auth.logout(request)


@public
@require_POST
def sign_out(request):
    logout_url = cognito_logout_url() if request.user.is_authenticated else reverse("signed_out")
    end_session(request)
    return redirect(logout_url)


@public
@require_GET
def signed_out(request, reason: str = ""):
    if reason not in SIGNED_OUT_LANDINGS:
        raise Http404
    return render(request, "accounts/signed_out.html", {"reason": reason})


@signed_in
@require_GET
def account(request):
    return render(request, "accounts/account.html")


@signed_in
@require_POST
def sign_out_everywhere(request):
    """Every session of this person ends: this one, the portal's others,
    and Cognito's (so no other browser's sign-in service resumes them)."""
    services.sign_out_everywhere(actor=request.actor, audit=request.audit, person=request.user)
    auth.logout(request)
    return redirect(cognito_logout_url())


@role_required(*Role)
@require_GET
def home(request):
    return redirect(HOME_URL_NAMES[request.user.role_enum])


SIGN_IN_AGAIN = _("For your safety, sign out and sign in again before you change two-step sign-in.")


@signed_in
def mfa_setup(request):
    """Enrolling an authenticator (staff must, a patient may) and, for a
    patient, turning it off again with a current code."""
    if request.method == "POST" and "turn_off" in request.POST:
        return _mfa_turn_off(request)
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "start" in request.POST:
        # The secret stays in the server-side session until the first code
        # checks out, so a reload shows the same one.
        try:
            request.session[MFA_PENDING_SECRET] = services.mfa_enrolment_begin(
                access_token=request.session[ACCESS_TOKEN]
            )
        except cognito.AccessTokenRefused:
            return _mfa_page(request, TotpCodeForm(), sign_in_again=True)
        return redirect("mfa_setup")
    if request.method == "POST" and form.is_valid():
        try:
            services.mfa_enrolment_finish(
                actor=request.actor,
                audit=request.audit,
                access_token=request.session[ACCESS_TOKEN],
                code=form.cleaned_data["code"],
            )
        except cognito.CodeMismatch:
            form.add_error("code", _("That code did not match. Wait for a new code and try again."))
        except cognito.AccessTokenRefused:
            form.add_error("code", SIGN_IN_AGAIN)
        else:
            # The person signs in again and proves the new factor; logging
            # out also drops the pending secret.
            auth.logout(request)
            return redirect(cognito_logout_url(reason="mfa-ready"))
    return _mfa_page(request, form)


def _mfa_turn_off(request):
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        try:
            services.mfa_turn_off(
                actor=request.actor,
                audit=request.audit,
                access_token=request.session[ACCESS_TOKEN],
                code=form.cleaned_data["code"],
            )
        except cognito.CodeMismatch:
            form.add_error("code", _("That code did not match. Wait for a new code and try again."))
        except cognito.AccessTokenRefused:
            form.add_error("code", SIGN_IN_AGAIN)
        else:
            messages.success(request, _("Two-step sign-in is off. You sign in with your password alone."))
            return redirect("mfa_setup")
    return _mfa_page(request, TotpCodeForm(), off_form=form)


def _mfa_page(request, form, *, off_form=None, sign_in_again=False):
    secret = request.session.get(MFA_PENDING_SECRET)
    pending = services.mfa_enrolment_pending(secret=secret, email=request.user.email) if secret else None
    context = {
        "form": form,
        "off_form": off_form or TotpCodeForm(),
        "pending": pending,
        "enrolled": None if pending else services.mfa_enrolled(person=request.user),
        "optional": request.user.role == Role.PATIENT.value,
        "sign_in_again": sign_in_again,
    }
    return render(request, "accounts/mfa_setup.html", context)


mfa_setup.allowed_during_mfa_enrolment = True
sign_out.allowed_during_mfa_enrolment = True
sign_out_everywhere.allowed_during_mfa_enrolment = True
