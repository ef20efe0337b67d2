"""The sign-up pages, open to anyone: the details, the emailed code, then the
password (which makes the account). The sign-up a browser is in the middle
of is kept in its session (a SignupRef: the row's key) and handed to the
services as a value; the finish link of the second email puts it there in
another browser. The visitor acts as request.actor (ANONYMOUS)."""

from __future__ import annotations

from math import ceil

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medisecure import clinic_time, clock, languages, rate_limits
from medisecure.forms import password_rules
from medisecure.identity.access import public
from medisecure.rate_limits import RateLimited
from patients.signup import selectors, services
from patients.signup.domain import (
    AccountAlreadyExists,
    CodeRefused,
    NotProven,
    PasswordRefused,
    SendTooSoon,
    SignupBusy,
    SignupClosed,
    SignupRef,
)
from patients.signup.forms import ChoosePasswordForm, SignupForm, VerifyCodeForm

# The browser's sign-up in progress, and that it has just finished one.
SIGNUP_SESSION_KEY = "signup"
FINISHED_SESSION_KEY = "signup_finished"
COULD_NOT_SEND = _("We could not send the email. Please try again.")


@public
@require_http_methods(["GET", "POST"])
def signup_start(request):
    form = SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.signup_request(
                actor=request.actor, audit=request.audit, details=form.details()
            )
        except SendTooSoon as too_soon:
            form.add_error(None, _retry_message(too_soon))
        except RateLimited as limited:
            form.add_error(None, rate_limits.too_many_attempts_message(limited.retry_after_seconds))
            return rate_limits.too_many_attempts(
                _signup_page(request, form), retry_after_seconds=limited.retry_after_seconds
            )
        else:
            request.session[SIGNUP_SESSION_KEY] = {
                "email": outcome.ref.email,
                "created_at": outcome.ref.created_at,
            }
            if not outcome.sent:
                messages.error(request, COULD_NOT_SEND)
            return redirect("signup:verify")
    return _signup_page(request, form)


def _signup_page(request, form: SignupForm):
    context = {
        "form": form,
        "password_rules": password_rules(),
        "code_minutes": settings.SIGNUP_CODE_TTL_MINUTES,
    }
    return render(request, "patients/signup.html", context)


@public
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    ref = _signup_ref(request)
    if ref is None:
        return redirect("signup:start")
    form = VerifyCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.signup_verify(
                actor=request.actor, audit=request.audit, ref=ref, code=form.cleaned_data["code"]
            )
        except CodeRefused as refused:
            form.add_error("code", _refusal_message(refused))
        except SignupClosed:
            return _start_again(request)
        except SignupBusy:
            form.add_error(
                None, _("Something else was changing your sign-up at the same moment. Please try again.")
            )
        else:
            return redirect("signup:password")
    try:
        pending = selectors.signup_pending_get(ref=ref)
    except SignupClosed:
        return _start_again(request)
    return render(request, "patients/signup_verify.html", {"form": form, "pending": pending})


@public
@require_http_methods(["GET", "POST"])
def signup_password(request):
    ref = _signup_ref(request)
    if ref is None:
        return redirect("signup:start")
    form = ChoosePasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.signup_password_set(
                actor=request.actor,
                audit=request.audit,
                ref=ref,
                password=form.cleaned_data["password"],
                language=languages.supported(translation.get_language()),
            )
        except NotProven:
            return redirect("signup:verify")
        except SignupClosed:
            return _start_again(request)
        except AccountAlreadyExists:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            return render(request, "patients/signup_account_exists.html")
        except PasswordRefused:
            form.add_error(
                "password",
                _("The sign-in service did not accept that password. Please choose a different one."),
            )
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            request.session[FINISHED_SESSION_KEY] = True
            return redirect("signup:complete")
    elif request.method == "GET":
        try:
            pending = selectors.signup_pending_get(ref=ref)
        except SignupClosed:
            return _start_again(request)
        if not pending.proven:
            return redirect("signup:verify")
    return render(
        request, "patients/signup_password.html", {"form": form, "password_rules": password_rules()}
    )


@public
@require_GET
def signup_finish(request, secret: str):
    """The link in the second email: the same sign-up, in this browser."""
    try:
        ref = services.signup_link_open(actor=request.actor, audit=request.audit, secret=secret)
    except SignupClosed:
        return _start_again(request)
    request.session.cycle_key()
    request.session[SIGNUP_SESSION_KEY] = {"email": ref.email, "created_at": ref.created_at}
    return redirect("signup:password")


@public
@require_POST
def signup_resend(request):
    ref = _signup_ref(request)
    if ref is None:
        return redirect("signup:start")
    try:
        outcome = services.signup_resend(actor=request.actor, audit=request.audit, ref=ref)
    except SendTooSoon as too_soon:
        messages.error(request, _retry_message(too_soon))
    except SignupClosed:
        return _start_again(request)
    except SignupBusy:
        messages.error(
            request, _("Something else was changing your sign-up at the same moment. Please try again.")
        )
    else:
        if outcome.sent:
            messages.success(
                request,
                _("We sent a new code to %(email)s. Codes sent before it no longer work.")
                % {"email": ref.email},
            )
        else:
            messages.error(request, COULD_NOT_SEND)
    return redirect("signup:verify")


@public
@require_GET
def signup_complete(request):
    if not request.session.get(FINISHED_SESSION_KEY):
        return redirect("signup:start")
    sign_in_url = f"{reverse('oidc_authentication_init')}?next={reverse('patients:home')}"
    return render(request, "patients/signup_complete.html", {"sign_in_url": sign_in_url})


def _posted(request):
    """The submitted fields; an empty POST is still a submission (it gets
    the "required" errors), unlike `request.POST or None`."""
    return request.POST if request.method == "POST" else None


def _signup_ref(request) -> SignupRef | None:
    held = request.session.get(SIGNUP_SESSION_KEY)
    if not isinstance(held, dict) or not held.get("email") or not held.get("created_at"):
        return None
    return SignupRef(email=held["email"], created_at=held["created_at"])


def _start_again(request):
    request.session.pop(SIGNUP_SESSION_KEY, None)
    messages.error(request, _("That sign-up has expired or is already finished. Please start again."))
    return redirect("signup:start")


def _retry_message(too_soon: SendTooSoon) -> str:
    wait = max(1, ceil((too_soon.retry_at - clock.now()).total_seconds()))
    if wait < 120:
        return _(
            "To keep your email safe we limit how often we send codes. "
            "You can ask for a new code in %(seconds)s seconds."
        ) % {"seconds": wait}
    return _(
        "To keep your email safe we limit how often we send codes. "
        "You can ask for a new code at %(time)s (in %(minutes)s minutes)."
    ) % {"time": clinic_time.clinic_time(too_soon.retry_at), "minutes": ceil(wait / 60)}


def _refusal_message(refused: CodeRefused) -> str:
    if refused.reason == CodeRefused.EXPIRED:
        return _("That code has expired. Ask for a new code below.")
    if refused.reason == CodeRefused.EXHAUSTED:
        return _(
            "That code was entered wrongly too many times and no longer works. Ask for a new code below."
        )
    return ngettext(
        "That code is not right. Check the email and try again: you have %(count)s more try.",
        "That code is not right. Check the email and try again: you have %(count)s more tries.",
        refused.attempts_left,
    ) % {"count": refused.attempts_left}
