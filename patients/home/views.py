"""The patient's home (/patient/): what is next and what is new."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from medisecure.identity.access import role_required
from medisecure.identity.roles import Role
from patients.home import selectors


@role_required(Role.PATIENT)
@require_GET
def home(request):
    home = selectors.patient_home_get(actor=request.actor, audit=request.audit)
    return render(request, "patients/home.html", {"home": home})
