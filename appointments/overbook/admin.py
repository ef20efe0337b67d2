"""Overbooking in the Django admin (imported by the app's admin module,
which admin autodiscovery imports): a page of our own on the project's admin
site, which lets only admins in."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from appointments.domain import IN_PAST, TOO_FAR_AHEAD, DoctorNotFound, PatientBusy, new_booking_id
from appointments.overbook import services
from appointments.overbook.domain import BookingIdReused, PatientNotFound, SlotNotOffered
from appointments.overbook.forms import OverbookForm
from medisecure.admin_sections import RecordSection

OVERBOOK = "appointments_overbook"
SECTION_TITLE = "Overbook a time"


def _offered_message(refused: SlotNotOffered) -> str:
    if not refused.offered:
        return "The doctor sees no patients on that date. Choose a date they work."
    times = ", ".join(moment.strftime("%H:%M") for moment in refused.offered)
    return f"That is not one of the doctor's appointment times on that date. They start at {times}."


def _refusal(refused: Exception) -> tuple[str | None, str]:
    """The field an overbooking was refused for, and what to tell the admin."""
    if isinstance(refused, DoctorNotFound):
        return "doctor_email", "No doctor signs in with this email."
    if isinstance(refused, PatientNotFound):
        return "patient_email", "No patient record has this email."
    if isinstance(refused, PatientBusy):
        return "start", "The patient already has an appointment at that time."
    if isinstance(refused, BookingIdReused):
        return None, "This form was already used for another booking. Nothing was booked: fill it in again."
    if refused.problem == IN_PAST:
        return "day", "That time has already passed. Choose a later one."
    if refused.problem == TOO_FAR_AHEAD:
        return "day", "That is further ahead than appointments can be booked. Choose an earlier date."
    return "start", _offered_message(refused)


REFUSALS = (
    DoctorNotFound,
    PatientNotFound,
    PatientBusy,
    SlotNotOffered,
    BookingIdReused,
)


def _render(request, form: OverbookForm, done=None):
    context = {**admin.site.each_context(request), "title": SECTION_TITLE, "form": form, "done": done}
    return render(request, "admin/appointments/overbook.html", context)


def _fresh_form() -> OverbookForm:
    return OverbookForm(initial={"appointment_id": new_booking_id()})


@require_http_methods(["GET", "POST"])
def overbook(request):
    if request.method != "POST":
        return _render(request, _fresh_form())
    form = OverbookForm(request.POST)
    if not form.is_valid():
        return _render(request, form)
    data = form.cleaned_data
    try:
        done = services.appointment_overbook(
            actor=request.actor,
            audit=request.audit,
            provider_email=data["doctor_email"],
            patient_email=data["patient_email"],
            start=data["starts_at"],
            visit_reason=data["visit_reason"],
            overbook_reason=data["overbook_reason"],
            appointment_id=data["appointment_id"],
        )
    except REFUSALS as refused:
        form.add_error(*_refusal(refused))
        return _render(request, form)
    return _render(request, _fresh_form(), done=done)


def overbook_urls(site) -> list:
    return [path("appointments/overbook/", site.admin_view(overbook), name=OVERBOOK)]


admin.site.register_section(
    RecordSection(
        app_label="appointments",
        app_name="Appointments",
        name=SECTION_TITLE,
        object_name="Overbooking",
        list_url_name=OVERBOOK,
        urls=overbook_urls,
    )
)
