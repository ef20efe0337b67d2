from __future__ import annotations

from math import ceil

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medisecure import clock, errors
from medisecure.identity.access import public, role_required
from medisecure.identity.roles import Role
from medisecure.forms import PageForm
from medisecure.rate_limits import RateLimited
from patients import own_record_services, services, signup_services
from patients.domain import ConcurrentUpdate
from patients.forms import ProfileForm, SignupForm, VerifyCodeForm, password_rules
from patients.signup_services import (
    AccountAlreadyExists,
    CodeRefused,
    PasswordRefused,
    SendTooSoon,
    SignupBusy,
    SignupClosed,
    SignupRef,
)

# The browser's sign-up in progress, and that it has just finished one.
SIGNUP_SESSION_KEY = "signup"
FINISHED_SESSION_KEY = "signup_finished"
COULD_NOT_SEND = "We could not send the email. Please try again."


@role_required(Role.PATIENT)
@require_GET
def home(request):
    home = services.patient_home_view(request=request)
    return render(request, "patients/home.html", {"home": home})


# --- The patient's own record ---------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def records(request):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    try:
        record = own_record_services.own_record_view(request=request, page_token=page_token or None)
    except own_record_services.NoPatientRecord:
        return render(request, "patients/records_missing.html")
    context = {"record": record, "current_medications": record.summary.current_medications(timezone.localdate())}
    return render(request, "patients/records.html", context)


DOWNLOADS = {
    own_record_services.PDF: ("application/pdf", "pdf"),
    own_record_services.FHIR: ("application/fhir+json", "json"),
}


@role_required(Role.PATIENT)
@require_GET
def records_download(request, file_format: str):
    if file_format not in DOWNLOADS:
        raise Http404
    try:
        content = own_record_services.own_record_download(request=request, file_format=file_format)
    except own_record_services.NoPatientRecord as missing:
        raise Http404 from missing
    content_type, extension = DOWNLOADS[file_format]
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-health-record-{stamp}.{extension}"'
    return response


@role_required(Role.PATIENT)
@require_GET
def record_access_log(request):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    log = own_record_services.own_record_access_log_view(request=request, page_token=page_token or None)
    return render(request, "patients/record_access_log.html", {"log": log})


# --- Sign-up ------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def signup_start(request):
    form = SignupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = signup_services.signup_request(request=request, details=form.details())
        except SendTooSoon as too_soon:
            form.add_error(None, _retry_message(too_soon))
        except RateLimited as limited:
            form.add_error(None, errors.too_many_attempts_message(limited.retry_after_seconds))
            return errors.too_many_attempts(
                _signup_page(request, form), retry_after_seconds=limited.retry_after_seconds
            )
        else:
            request.session[SIGNUP_SESSION_KEY] = {"email": outcome.ref.email, "created_at": outcome.ref.created_at}
            if not outcome.sent:
                messages.error(request, COULD_NOT_SEND)
            return redirect("signup:verify")
    return _signup_page(request, form)


def _signup_page(request, form: SignupForm):
    context = {"form": form, "password_rules": password_rules(), "code_minutes": settings.SIGNUP_CODE_TTL_MINUTES}
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
            signup_services.signup_verify(request=request, ref=ref, code=form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", _refusal_message(refused))
        except SignupClosed:
            return _start_again(request)
        except AccountAlreadyExists:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            return render(request, "patients/signup_account_exists.html")
        except PasswordRefused:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            messages.error(request, "The sign-in service did not accept that password. Please start again with a different one.")
            return redirect("signup:start")
        except SignupBusy:
            form.add_error(None, "Something else was changing your sign-up at the same moment. Please try again.")
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            request.session[FINISHED_SESSION_KEY] = True
            return redirect("signup:complete")
    try:
        pending = signup_services.signup_pending_view(ref=ref)
    except SignupClosed:
        return _start_again(request)
    return render(request, "patients/signup_verify.html", {"form": form, "pending": pending})


@public
@require_POST
def signup_resend(request):
    ref = _signup_ref(request)
    if ref is None:
        return redirect("signup:start")
    try:
        outcome = signup_services.signup_resend(request=request, ref=ref)
    except SendTooSoon as too_soon:
        messages.error(request, _retry_message(too_soon))
    except SignupClosed:
        return _start_again(request)
    except SignupBusy:
        messages.error(request, "Something else was changing your sign-up at the same moment. Please try again.")
    else:
        if outcome.sent:
            messages.success(request, f"We sent a new code to {ref.email}. Codes sent before it no longer work.")
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
    messages.error(request, "That sign-up has expired or is already finished. Please start again.")
    return redirect("signup:start")


def _retry_message(too_soon: SendTooSoon) -> str:
    wait = max(1, ceil((too_soon.retry_at - clock.now()).total_seconds()))
    if wait < 120:
        when = f"in {wait} seconds"
    else:
        when = f"at {time_format(timezone.localtime(too_soon.retry_at), 'g:i A')} (in {ceil(wait / 60)} minutes)"
    return f"To keep your email safe we limit how often we send codes. You can ask for a new code {when}."


def _refusal_message(refused: CodeRefused) -> str:
    if refused.reason == CodeRefused.EXPIRED:
        return "That code has expired. Ask for a new code below."
    if refused.reason == CodeRefused.EXHAUSTED:
        return "That code was entered wrongly too many times and no longer works. Ask for a new code below."
    tries = "1 more try" if refused.attempts_left == 1 else f"{refused.attempts_left} more tries"
    return f"That code is not right. Check the email and try again: you have {tries}."


# --- Profile ------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form)
    try:
        changed = services.patient_profile_update(
            request=request, values=form.profile_values(), expected_version=form.cleaned_data["version"]
        )
    except ConcurrentUpdate:
        return _profile_page(request, stale=True)
    except services.PatientNotFound as missing:
        raise Http404 from missing
    messages.success(request, "Your profile is saved." if changed else "You did not change anything, so nothing was saved.")
    return redirect("patients:profile")


def _profile_page(request, *, form: ProfileForm | None = None, stale: bool = False):
    patient = services.patient_profile_view(request=request)
    if patient is None:
        return render(request, "patients/profile_missing.html")
    context = {"patient": patient, "form": form or ProfileForm.for_patient(patient), "stale": stale}
    return render(request, "patients/profile.html", context, status=409 if stale else 200)
