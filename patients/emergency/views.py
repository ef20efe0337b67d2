"""The doctor's emergency access page: find the patient, give the reason,
open the chart."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from medisecure import rate_limits
from medisecure.emergency_banner import remember_emergency_access
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.emergency import services
from patients.emergency.domain import EmergencyRequest
from patients.emergency.forms import EmergencyAccessForm

NO_SINGLE_PATIENT = (
    "No single patient has exactly that name, date of birth and phone digits or postcode. "
    "Check them with the patient or whoever brought them in."
)
OVER_THE_LIMIT = (
    "You have made as many emergency access attempts as an hour allows, so nothing was looked up. "
    "The clinic's administrators have been told. Try again in {wait}, or ask an administrator to add "
    "you to the patient's care team."
)


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def emergency_access(request):
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.emergency_access_grant(
                actor=request.actor, audit=request.audit, wanted=EmergencyRequest(**form.cleaned_data)
            )
        except services.NoSinglePatient:
            form.add_error(None, NO_SINGLE_PATIENT)
        except services.EmergencyRateLimited as limited:
            minutes = max(1, -(-limited.retry_after_seconds // 60))
            form.add_error(
                None, OVER_THE_LIMIT.format(wait="a minute" if minutes == 1 else f"{minutes} minutes")
            )
            return rate_limits.too_many_attempts(
                _page(request, form), retry_after_seconds=limited.retry_after_seconds
            )
        except services.AlreadyInCareTeam as in_team:
            messages.info(request, "This patient is in your care team: you need no emergency access.")
            return redirect("chart:chart", patient_id=in_team.patient_id)
        except services.GrantStillLive as live:
            messages.info(request, "Your emergency access to this patient is still running.")
            return redirect("chart:chart", patient_id=live.patient_id)
        else:
            remember_emergency_access(request, patient_id=grant.patient_id, expires_at=grant.expires_at)
            return redirect("chart:chart", patient_id=grant.patient_id)
    return _page(request, form)


def _page(request, form):
    return render(
        request,
        "patients/emergency/emergency_access.html",
        {"form": form, "minutes": settings.EMERGENCY_ACCESS_MINUTES},
    )
