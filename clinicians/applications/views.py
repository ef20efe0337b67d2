"""The public clinician application and its confirmation."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clinicians.applications import services
from clinicians.applications.domain import LICENCE_SCAN_MAX_BYTES, PendingApplicationExists
from clinicians.applications.forms import ApplicationForm
from medisecure import rate_limits
from medisecure.identity.access import public
from medisecure.rate_limits import RateLimited
from medisecure.uploads import upload_capped

SUBMITTED = "clinician_application_submitted"


@public
@require_http_methods(["GET", "POST"])
@upload_capped(max_bytes=lambda: LICENCE_SCAN_MAX_BYTES)
def apply(request):
    posted = request.method == "POST"
    form = ApplicationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            submission = services.application_submit(
                actor=request.actor,
                audit=request.audit,
                details=form.details(),
                scan=form.cleaned_data["licence_scan"],
                scan_type=form.scan_type,
            )
        except RateLimited as limited:
            form.add_error(None, rate_limits.too_many_attempts_message(limited.retry_after_seconds))
            return rate_limits.too_many_attempts(
                render(request, "clinicians/apply.html", {"form": form}),
                retry_after_seconds=limited.retry_after_seconds,
            )
        except PendingApplicationExists:
            # The same page as for a new application: whether this address
            # has one waiting is told only to its holder, by email.
            request.session[SUBMITTED] = {"reference": "", "emailed": True}
            return redirect("clinician_apply_submitted")
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
