"""The admin's pages over patients' records kept in DynamoDB: emergency
access grants for review, and care teams. Registered by PortalAdminSite,
which lets only admins in."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from medisecure.forms import PageForm
from patients import care_team_services, emergency_services

REVIEW = "emergency_access_review"
CARE_TEAM = "care_team"
CARE_TEAM_ADD = "care_team_add"
CARE_TEAM_REMOVE = "care_team_remove"


class PatientLookupForm(forms.Form):
    patient = forms.EmailField(label="Patient's email", max_length=128)


class DoctorForm(forms.Form):
    doctor = forms.EmailField(label="Doctor's email", max_length=128)


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


@require_GET
def emergency_access_review(request):
    form = PageForm(request.GET)
    page_token = form.cleaned_data["page"] if form.is_valid() else None
    reviews, next_page = emergency_services.emergency_grants_review(request=request, page_token=page_token or None)
    return render(
        request, "admin/patients/emergency_review.html",
        _context(request, "Emergency access", reviews=reviews, next_page=next_page),
    )


@require_GET
def care_team(request):
    form = PatientLookupForm(request.GET if "patient" in request.GET else None)
    team = None
    if form.is_bound and form.is_valid():
        try:
            team = care_team_services.care_team_view(request=request, patient_email=form.cleaned_data["patient"].lower())
        except care_team_services.NoSuchPatient:
            form.add_error("patient", "No patient has this email address.")
    elif "id" in request.GET:
        try:
            team = care_team_services.care_team_view(request=request, patient_id=request.GET["id"])
        except care_team_services.NoSuchPatient as missing:
            raise Http404 from missing
    return render(
        request, "admin/patients/care_team.html",
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
        doctor = care_team_services.care_team_member_add(
            request=request, patient_id=patient_id, doctor_email=form.cleaned_data["doctor"].lower()
        )
    except care_team_services.NoSuchPatient as missing:
        raise Http404 from missing
    except care_team_services.NoSuchDoctor:
        messages.error(request, "No doctor has this email address.")
    except care_team_services.AlreadyInCareTeam:
        messages.info(request, "That doctor is already in the care team.")
    else:
        messages.success(request, f"{doctor.display_name} is now in the care team.")
    return _back_to(patient_id)


@require_POST
def care_team_remove(request, patient_id: str, provider_id: str):
    try:
        care_team_services.care_team_member_remove(request=request, patient_id=patient_id, provider_id=provider_id)
    except care_team_services.NotInCareTeam:
        messages.info(request, "That doctor was not in the care team.")
    else:
        messages.success(request, "The doctor is no longer in the care team.")
    return _back_to(patient_id)


def emergency_urls(site):
    return [path("patients/emergency-access/", site.admin_view(emergency_access_review), name=REVIEW)]


def care_team_urls(site):
    return [
        path("patients/care-team/", site.admin_view(care_team), name=CARE_TEAM),
        path("patients/care-team/<str:patient_id>/add/", site.admin_view(care_team_add), name=CARE_TEAM_ADD),
        path(
            "patients/care-team/<str:patient_id>/remove/<str:provider_id>/",
            site.admin_view(care_team_remove), name=CARE_TEAM_REMOVE,
        ),
    ]
