"""The admin's care-team pages (find a patient's team, add a doctor, remove
one), registered as a section of the admin site, which lets only admins in.
Imported by patients.admin, which admin autodiscovery imports."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from medisecure.admin_sections import RecordSection
from patients.care_team import selectors, services
from patients.care_team.domain import (
    AlreadyInCareTeam,
    CareTeamPatientNotFound,
    DoctorNotFound,
    NotInCareTeam,
)
from patients.care_team.forms import DoctorForm, PatientLookupForm

CARE_TEAM = "care_team"
CARE_TEAM_ADD = "care_team_add"
CARE_TEAM_REMOVE = "care_team_remove"


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


@require_GET
def care_team(request):
    form = PatientLookupForm(request.GET if "patient" in request.GET else None)
    team = None
    if form.is_bound and form.is_valid():
        try:
            team = selectors.care_team_get(
                actor=request.actor, audit=request.audit, patient_email=form.cleaned_data["patient"].lower()
            )
        except CareTeamPatientNotFound:
            form.add_error("patient", "No patient has this email address.")
    elif "id" in request.GET:
        team = selectors.care_team_get(actor=request.actor, audit=request.audit, patient_id=request.GET["id"])
    return render(
        request,
        "admin/patients/care_team.html",
        _context(request, "Care teams", form=form, team=team, add_form=DoctorForm()),
    )


def _back_to(patient_id: str):
    return redirect(f"{reverse('admin:' + CARE_TEAM)}?id={patient_id}")


@require_POST
def care_team_add(request, patient_id: str):
    form = DoctorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the doctor's email address.")
        return _back_to(patient_id)
    try:
        doctor = services.care_team_member_add(
            actor=request.actor,
            audit=request.audit,
            patient_id=patient_id,
            doctor_email=form.cleaned_data["doctor"].lower(),
        )
    except DoctorNotFound:
        messages.error(request, "No doctor has this email address.")
    except AlreadyInCareTeam:
        messages.info(request, "That doctor is already in the care team.")
    else:
        messages.success(request, f"{doctor.display_name} is now in the care team.")
    return _back_to(patient_id)


@require_POST
def care_team_remove(request, patient_id: str, provider_id: str):
    try:
        services.care_team_member_remove(
            actor=request.actor, audit=request.audit, patient_id=patient_id, provider_id=provider_id
        )
    except NotInCareTeam:
        messages.info(request, "That doctor was not in the care team.")
    else:
        messages.success(request, "The doctor is no longer in the care team.")
    return _back_to(patient_id)


def care_team_urls(site):
    return [
        path("patients/care-team/", site.admin_view(care_team), name=CARE_TEAM),
        path("patients/care-team/<str:patient_id>/add/", site.admin_view(care_team_add), name=CARE_TEAM_ADD),
        path(
            "patients/care-team/<str:patient_id>/remove/<str:provider_id>/",
            site.admin_view(care_team_remove),
            name=CARE_TEAM_REMOVE,
        ),
    ]


admin.site.register_section(
    RecordSection(
        app_label="patients",
        app_name="Patients",
        name="Care teams",
        object_name="CareTeam",
        list_url_name=CARE_TEAM,
        urls=care_team_urls,
    )
)
