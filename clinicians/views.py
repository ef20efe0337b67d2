from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from appointments import services as appointment_services
from appointments.forms import DAY, REASON_MAX_LENGTH, ScheduleForm
from clinicians import services
from clinicians.domain import LICENCE_SCAN_MAX_BYTES
from clinicians.forms import ApplicationForm, DirectoryFilterForm
from medisecure import errors
from medisecure.identity.access import public, role_required
from medisecure.identity.roles import Role
from medisecure.rate_limits import RateLimited
from medisecure.uploads import SizeCapUploadHandler


@role_required(Role.DOCTOR)
@require_GET
def home(request):
    """The doctor's schedule: today, another day or a week."""
    form = ScheduleForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = appointment_services.provider_schedule_page_view(
        request=request, view=data.get("view") or DAY, start=data.get("start"), page_token=data.get("page") or None
    )
    context = {"schedule": page.schedule, "stretch": page.stretch, "reason_max_length": REASON_MAX_LENGTH}
    return render(request, "clinicians/home.html", context)


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    directory = None
    if form.is_valid():
        directory = services.directory_view(
            specialty=form.cleaned_data["specialty"], page_token=form.cleaned_data["page"] or None
        )
    return render(request, "clinicians/directory.html", {"form": form, "directory": directory})


# --- The public clinician application ------------------------------------------

SUBMITTED = "clinician_application_submitted"


@public
@csrf_exempt  # the CSRF check is made below, once the upload cap is in place
@require_http_methods(["GET", "POST"])
def apply(request):
    # Upload handlers can only change before the body is read, which the
    # CSRF check does; hence the check runs inside (Django's documented way).
    request.upload_handlers.insert(0, SizeCapUploadHandler(request, max_bytes=LICENCE_SCAN_MAX_BYTES))
    return _apply(request)


@csrf_protect
def _apply(request):
    posted = request.method == "POST"
    form = ApplicationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            submission = services.application_submit(
                request=request,
                details=form.details(),
                scan=form.cleaned_data["licence_scan"],
                scan_type=form.scan_type,
            )
        except RateLimited as limited:
            form.add_error(None, errors.too_many_attempts_message(limited.retry_after_seconds))
            return errors.too_many_attempts(
                render(request, "clinicians/apply.html", {"form": form}),
                retry_after_seconds=limited.retry_after_seconds,
            )
        except services.PendingApplicationExists:
            form.add_error(
                "email",
                "An application from this email address is already waiting for review. "
                "We will email you when it has been decided.",
            )
        else:
            request.session[SUBMITTED] = {
                "reference": submission.application.application_id,
                "emailed": submission.emailed,
            }
            return redirect("clinician_apply_submitted")
    return render(request, "clinicians/apply.html", {"form": form})


@public
@require_GET
def apply_submitted(request):
    submitted = request.session.get(SUBMITTED)
    if not submitted:
        return redirect("clinician_apply")
    return render(request, "clinicians/apply_submitted.html", {"submitted": submitted})
