"""A completed visit's summary: the patient's (/patient/visits/<id>/) and
the doctor's (/doctor/visits/<id>/), the same page, printable."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.visits import selectors


@role_required(Role.PATIENT)
@require_GET
def own_visit_summary(request, appointment_id: str):
    summary = selectors.visit_summary_get(
        actor=request.actor, audit=request.audit, appointment_id=appointment_id
    )
    return render(request, "patients/visits/summary.html", {"summary": summary, "for_patient": True})


@role_required(Role.DOCTOR)
@require_GET
def doctor_visit_summary(request, appointment_id: str):
    summary = selectors.visit_summary_get(
        actor=request.actor, audit=request.audit, appointment_id=appointment_id
    )
    return render(request, "patients/visits/summary.html", {"summary": summary, "for_patient": False})
