from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments import services
from appointments.domain import CANCELLED, COMPLETED, NO_SHOW, SlotRefused, new_booking_id
from appointments.forms import (
    AppointmentListForm,
    AvailabilityForm,
    BookingChoiceForm,
    BookingForm,
    DoctorCancelForm,
    RescheduleForm,
    SlotPickForm,
    WeekForm,
    slot_problem_message,
)
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

EMAIL_NOT_SENT = (
    "We could not send the confirmation email just now. Your appointment is booked all the same; "
    "use “Send the confirmation again” below to try once more."
)
STALE = "This appointment changed in another window or tab since you opened it. Nothing was changed: look at it again below."
TOO_LATE = (
    "This appointment can no longer be changed online: it is booked no longer, or starts within {hours} hours. "
    "Please call the clinic."
)


def _too_late(request) -> str:
    return TOO_LATE.format(hours=settings.APPOINTMENT_CHANGE_CUTOFF_HOURS)


# --- A doctor's availability --------------------------------------------------


@role_required(Role.DOCTOR)
@require_http_methods(["GET", "POST"])
def availability(request):
    if request.method != "POST":
        forms = AvailabilityForm(availability=services.availability_view(request=request))
        return render(request, "appointments/availability.html", {"forms": forms})
    forms = AvailabilityForm(request.POST)
    stale = False
    if forms.is_valid():
        try:
            services.availability_update(request=request, proposed=forms.proposed())
        except services.ConcurrentUpdate:
            stale = True
        except services.AvailabilityInvalid as invalid:
            forms.add_problems(invalid.problems)
        else:
            messages.success(request, "Your availability is saved. Patients can now book the new times.")
            return redirect("appointments:availability")
    return render(request, "appointments/availability.html", {"forms": forms, "stale": stale})


# --- Booking -------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def book(request):
    form = BookingChoiceForm(request.GET or None)
    choices = None
    if form.is_valid():
        data = form.cleaned_data
        choices = services.booking_choices_view(
            specialty=data["specialty"], provider_id=data["doctor"], week=data["week"] or 0, page_token=data["page"] or None
        )
    return render(request, "appointments/book.html", {"form": form, "choices": choices})


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def book_confirm(request):
    if request.method == "POST":
        return _book(request)
    pick = SlotPickForm(request.GET)
    offer = None
    if pick.is_valid():
        try:
            offer = services.booking_slot_view(provider_id=pick.cleaned_data["doctor"], start=pick.cleaned_data["start"])
        except services.DoctorNotFound as missing:
            raise Http404 from missing
        except SlotRefused as refused:
            pick.add_error("start", slot_problem_message(refused.problem))
    form = BookingForm(initial={**pick.data.dict(), "booking_id": new_booking_id()})
    return render(request, "appointments/book_confirm.html", {"form": form, "pick": pick, "offer": offer})


def _book(request):
    form = BookingForm(request.POST)
    if not form.is_valid():
        return render(request, "appointments/book_confirm.html", {"form": form, "pick": form, "offer": None})
    data = form.cleaned_data
    try:
        booked = services.appointment_book(
            request=request, provider_id=data["doctor"], start=data["start"], reason=data["reason"],
            appointment_id=data["booking_id"],
        )
    except services.DoctorNotFound as missing:
        raise Http404 from missing
    except services.PatientRecordMissing:
        return render(request, "patients/profile_missing.html", status=409)
    except SlotRefused as refused:
        form.add_error("start", slot_problem_message(refused.problem))
        return render(request, "appointments/book_confirm.html", {"form": form, "pick": form, "offer": None})
    except services.SlotTaken as taken:
        retry = BookingForm(initial={"doctor": data["doctor"], "reason": data["reason"], "booking_id": new_booking_id()})
        return render(request, "appointments/book_taken.html", {"form": retry, "taken": taken})
    if booked.emailed:
        messages.success(request, "Your appointment is booked. We have emailed you the confirmation.")
    else:
        messages.error(request, EMAIL_NOT_SENT)
    return redirect("appointments:detail", appointment_id=booked.appointment.appointment_id)


# --- A patient's appointments ---------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def appointment_list(request):
    form = AppointmentListForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    listing = services.appointment_list_view(
        request=request, past=data.get("when") == "past", page_token=data.get("page") or None
    )
    return render(request, "appointments/list.html", {"listing": listing})


@role_required(Role.PATIENT)
@require_GET
def appointment_detail(request, appointment_id):
    try:
        detail = services.appointment_view(request=request, appointment_id=appointment_id)
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    context = {"detail": detail, "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS}
    return render(request, "appointments/detail.html", context)


@role_required(Role.PATIENT)
@require_POST
def cancel(request, appointment_id):
    try:
        cancelled = services.appointment_cancel(request=request, appointment_id=appointment_id)
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    except services.ChangeTooLate:
        messages.error(request, _too_late(request))
    except services.ConcurrentUpdate:
        messages.error(request, STALE)
    else:
        if cancelled.already_done:
            messages.success(request, "This appointment was already cancelled.")
        elif cancelled.emailed:
            messages.success(request, "Your appointment is cancelled. We have emailed you to confirm.")
        else:
            messages.success(request, "Your appointment is cancelled. We could not send the email confirming it, but the cancellation stands.")
    return redirect("appointments:detail", appointment_id=appointment_id)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def reschedule(request, appointment_id):
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    taken = None
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.appointment_reschedule(
                request=request, appointment_id=appointment_id, start=form.cleaned_data["start"],
                expected_version=form.cleaned_data["version"],
            )
        except services.AppointmentNotFound as missing:
            raise Http404 from missing
        except services.ChangeTooLate:
            messages.error(request, _too_late(request))
            return redirect("appointments:detail", appointment_id=appointment_id)
        except services.ConcurrentUpdate:
            messages.error(request, STALE)
            return redirect("appointments:detail", appointment_id=appointment_id)
        except SlotRefused as refused:
            form.add_error("start", slot_problem_message(refused.problem))
        except services.SlotTaken as slot_taken:
            taken = slot_taken
        else:
            messages.success(request, _moved_message(moved))
            return redirect("appointments:detail", appointment_id=appointment_id)
    week = WeekForm(request.GET)
    try:
        choices = services.reschedule_choices_view(
            request=request, appointment_id=appointment_id, week=(week.cleaned_data["week"] or 0) if week.is_valid() else 0
        )
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    except services.ChangeTooLate:
        messages.error(request, _too_late(request))
        return redirect("appointments:detail", appointment_id=appointment_id)
    context = {"choices": choices, "form": form, "taken": taken}
    return render(request, "appointments/reschedule.html", context)


def _moved_message(moved) -> str:
    if moved.already_done:
        return "Your appointment is already at that time."
    if moved.emailed:
        return "Your appointment is moved. We have emailed you the new time."
    return "Your appointment is moved. We could not email you the new time, but the change stands."


@role_required(Role.PATIENT)
@require_POST
def send_confirmation(request, appointment_id):
    try:
        sent = services.appointment_confirmation_send(request=request, appointment_id=appointment_id)
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    except services.ChangeTooLate:
        messages.error(request, "This appointment is no longer booked, so there is nothing to confirm.")
    else:
        if sent:
            messages.success(request, "We have sent the confirmation email again.")
        else:
            messages.error(request, "We still could not send the confirmation email. Please try again in a few minutes.")
    return redirect("appointments:detail", appointment_id=appointment_id)


# --- A doctor's changes to their own appointments --------------------------------------

NOT_NOW = "That change cannot be made to this appointment now: it is no longer booked, or has not started yet."
DOCTOR_DONE = {
    COMPLETED: "The appointment is marked completed.",
    NO_SHOW: "The appointment is marked missed.",
}


def _back_to_schedule(appointment):
    day = appointment.start.astimezone(services.clinic_zone()).date()
    return redirect(f"{reverse('clinicians:home')}?start={day:%Y-%m-%d}")


def _doctor_update(request, appointment_id: str, status: str, reason: str = ""):
    try:
        changed = services.appointment_doctor_update(
            request=request, appointment_id=appointment_id, status=status, reason=reason
        )
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    except services.StatusChangeRefused:
        messages.error(request, NOT_NOW)
        return redirect("clinicians:home")
    except services.ConcurrentUpdate:
        messages.error(request, STALE)
        return redirect("clinicians:home")
    if status != CANCELLED:
        messages.success(request, DOCTOR_DONE[status])
    elif changed.already_done:
        messages.success(request, "This appointment was already cancelled.")
    elif changed.emailed:
        messages.success(request, "The appointment is cancelled and the patient has been emailed the reason.")
    else:
        messages.error(request, "The appointment is cancelled, but we could not email the patient. Please let them know.")
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
    try:
        services.appointment_doctor_check(request=request, appointment_id=appointment_id, action="appointment.cancel")
    except services.AppointmentNotFound as missing:
        raise Http404 from missing
    return render(request, "appointments/doctor_cancel.html", {"form": form, "appointment_id": appointment_id})
