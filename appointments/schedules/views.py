"""The doctor's home (their schedule, a day or a week) and the changes they
make to an appointment from it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from appointments.clinic import clinic_zone
from appointments.domain import CANCELLED, COMPLETED, NO_SHOW, Appointment
from appointments.forms import REASON_MAX_LENGTH
from appointments.schedules import selectors, services
from appointments.schedules.domain import DAY, StatusChangeRefused
from appointments.schedules.forms import DoctorCancelForm, ScheduleForm
from appointments.selectors import appointment_get_for
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

STALE = "This appointment changed in another window or tab since you opened it. Nothing was changed: look at it again below."
NOT_NOW = (
    "That change cannot be made to this appointment now: it is no longer booked, or has not started yet."
)
DOCTOR_DONE = {
    COMPLETED: "The appointment is marked completed.",
    NO_SHOW: "The appointment is marked missed.",
}


@role_required(Role.DOCTOR)
@require_GET
def doctor_home(request):
    """The doctor's schedule: today, another day or a week."""
    form = ScheduleForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    page = selectors.schedule_page_get(
        actor=request.actor,
        audit=request.audit,
        view=data.get("view") or DAY,
        start=data.get("start"),
        page_token=data.get("page") or None,
    )
    context = {
        "page": page,
        "schedule": page.schedule,
        "stretch": page.stretch,
        "grid": page.grid,
        "reason_max_length": REASON_MAX_LENGTH,
    }
    return render(request, "appointments/doctor_home.html", context)


def _back_to_schedule(appointment: Appointment):
    day = appointment.start.astimezone(clinic_zone()).date()
    return redirect(f"{reverse('appointments:doctor_home')}?start={day:%Y-%m-%d}")


def _doctor_update(request, appointment_id: str, status: str, reason: str = ""):
    try:
        changed = services.appointment_doctor_update(
            actor=request.actor,
            audit=request.audit,
            appointment_id=appointment_id,
            status=status,
            reason=reason,
        )
    except StatusChangeRefused:
        messages.error(request, NOT_NOW)
        return redirect("appointments:doctor_home")
    except ConcurrentUpdate:
        messages.error(request, STALE)
        return redirect("appointments:doctor_home")
    if status != CANCELLED:
        messages.success(request, DOCTOR_DONE[status])
    elif changed.already_done:
        messages.success(request, "This appointment was already cancelled.")
    elif changed.emailed:
        messages.success(request, "The appointment is cancelled and the patient has been emailed the reason.")
    else:
        messages.error(
            request, "The appointment is cancelled, but we could not email the patient. Please let them know."
        )
    return _back_to_schedule(changed.appointment)


@role_required(Role.DOCTOR)
@require_POST
def doctor_complete(request, appointment_id):
    return _doctor_update(request, appointment_id, COMPLETED)


@role_required(Role.DOCTOR)
@require_POST
def doctor_no_show(request, appointment_id):
    return _doctor_update(request, appointment_id, NO_SHOW)


@role_required(Role.DOCTOR)
@require_POST
def doctor_cancel(request, appointment_id):
    form = DoctorCancelForm(request.POST)
    if form.is_valid():
        return _doctor_update(request, appointment_id, CANCELLED, form.cleaned_data["reason"])
    # Their input goes back to them to correct only if the appointment is theirs.
    appointment_get_for(
        actor=request.actor, audit=request.audit, appointment_id=appointment_id, action="appointment.cancel"
    )
    return render(
        request, "appointments/doctor_cancel.html", {"form": form, "appointment_id": appointment_id}
    )
