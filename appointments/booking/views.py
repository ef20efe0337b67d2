"""The patient's pages: choosing a doctor and a time, booking it, their
list of appointments, one appointment, and cancelling, moving or having it
confirmed again."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments.booking import selectors, services
from appointments.booking.domain import UPCOMING, ChangeTooLate, PatientRecordMissing, SlotTaken
from appointments.booking.forms import (
    AppointmentListForm,
    BookingChoiceForm,
    BookingForm,
    CancelForm,
    RescheduleChoiceForm,
    RescheduleForm,
    SlotPickForm,
    slot_problem_message,
)
from appointments.domain import Changed, SlotRefused, new_booking_id
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

EMAIL_NOT_SENT = _(
    "We could not send the confirmation email just now. Your appointment is booked all the same; "
    "use “Send the confirmation again” below to try once more."
)
STALE = _(
    "This appointment changed in another window or tab since you opened it. Nothing was changed: look at it again below."
)
TOO_LATE = _(
    "This appointment can no longer be changed online: it is booked no longer, or starts within {hours} hours. "
    "Please call the clinic on {phone}."
)


def _too_late() -> str:
    return TOO_LATE.format(hours=settings.APPOINTMENT_CHANGE_CUTOFF_HOURS, phone=settings.CLINIC_PHONE)


# --- Booking -------------------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def book(request):
    form = BookingChoiceForm(request.GET)
    choices = None
    if form.is_valid():
        data = form.cleaned_data
        choices = selectors.booking_choices_get(
            specialty=data["specialty"],
            provider_id=data["doctor"],
            week=data["week"] or 0,
            page_token=data["page"] or None,
            visit_type_id=data["visit_type"],
            location_id=data["location"],
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
            offer = selectors.booking_slot_get(
                provider_id=pick.cleaned_data["doctor"],
                start=pick.cleaned_data["start"],
                visit_type_id=pick.cleaned_data["visit_type"],
                location_id=pick.cleaned_data["location"],
            )
        except SlotRefused as refused:
            pick.add_error("start", slot_problem_message(refused.problem))
    form = BookingForm(initial={**pick.data.dict(), "booking_id": new_booking_id()})
    context = {
        "form": form,
        "pick": pick,
        "offer": offer,
        "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS,
    }
    return render(request, "appointments/book_confirm.html", context)


def _book(request):
    form = BookingForm(request.POST)
    if not form.is_valid():
        return render(request, "appointments/book_confirm.html", {"form": form, "pick": form, "offer": None})
    data = form.cleaned_data
    try:
        booked = services.appointment_book(
            actor=request.actor,
            audit=request.audit,
            provider_id=data["doctor"],
            start=data["start"],
            reason=data["reason"],
            appointment_id=data["booking_id"],
            visit_type_id=data["visit_type"],
            location_id=data["location"],
        )
    except PatientRecordMissing:
        return render(request, "patients/profile_missing.html", status=409)
    except SlotRefused as refused:
        form.add_error("start", slot_problem_message(refused.problem))
        return render(request, "appointments/book_confirm.html", {"form": form, "pick": form, "offer": None})
    except SlotTaken as taken:
        retry = BookingForm(
            initial={
                "doctor": data["doctor"],
                "reason": data["reason"],
                "booking_id": new_booking_id(),
                "visit_type": data["visit_type"],
                "location": data["location"],
            }
        )
        return render(request, "appointments/book_taken.html", {"form": retry, "taken": taken})
    if booked.emailed:
        messages.success(request, _("Your appointment is booked. We have emailed you the confirmation."))
    else:
        messages.error(request, EMAIL_NOT_SENT)
    return redirect("appointments:detail", appointment_id=booked.appointment.appointment_id)


# --- A patient's appointments ---------------------------------------------------------


@role_required(Role.PATIENT)
@require_GET
def appointment_list(request):
    form = AppointmentListForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    listing = selectors.appointment_list(
        actor=request.actor,
        audit=request.audit,
        when=data.get("when") or UPCOMING,
        page_token=data.get("page") or None,
    )
    return render(request, "appointments/list.html", {"listing": listing})


@role_required(Role.PATIENT)
@require_GET
def appointment_detail(request, appointment_id):
    detail = selectors.appointment_get(
        actor=request.actor, audit=request.audit, appointment_id=appointment_id
    )
    context = {"detail": detail, "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS}
    return render(request, "appointments/detail.html", context)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def cancel(request, appointment_id):
    """GET: the appointment and "are you sure?", with an optional reason. POST: cancel it."""
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        detail = selectors.appointment_get(
            actor=request.actor, audit=request.audit, appointment_id=appointment_id
        )
        if not detail.can_change:
            messages.error(request, _too_late())
            return redirect("appointments:detail", appointment_id=appointment_id)
        return render(
            request, "appointments/cancel.html", {"detail": detail, "form": form, **_urls(appointment_id)}
        )
    try:
        cancelled = services.appointment_cancel(
            actor=request.actor,
            audit=request.audit,
            appointment_id=appointment_id,
            reason=form.cleaned_data["reason"],
        )
    except ChangeTooLate:
        messages.error(request, _too_late())
    except ConcurrentUpdate:
        messages.error(request, STALE)
    else:
        if cancelled.already_done:
            messages.success(request, _("This appointment was already cancelled."))
        elif cancelled.emailed:
            messages.success(request, _("Your appointment is cancelled. We have emailed you to confirm."))
        else:
            messages.success(
                request,
                _(
                    "Your appointment is cancelled. We could not send the email confirming it, but the cancellation stands."
                ),
            )
    return redirect("appointments:detail", appointment_id=appointment_id)


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def reschedule(request, appointment_id):
    """GET: the doctor's free week as the booking grid (without the current
    time), or with ?start= that time to confirm. POST: move to it."""
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    taken = None
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.appointment_reschedule(
                actor=request.actor,
                audit=request.audit,
                appointment_id=appointment_id,
                start=form.cleaned_data["start"],
                expected_version=form.cleaned_data["version"],
            )
        except ChangeTooLate:
            messages.error(request, _too_late())
            return redirect("appointments:detail", appointment_id=appointment_id)
        except ConcurrentUpdate:
            messages.error(request, STALE)
            return redirect("appointments:detail", appointment_id=appointment_id)
        except SlotRefused as refused:
            form.add_error("start", slot_problem_message(refused.problem))
        except SlotTaken as slot_taken:
            taken = slot_taken
        else:
            messages.success(request, _moved_message(moved))
            return redirect("appointments:detail", appointment_id=appointment_id)
    pick = RescheduleChoiceForm(request.GET)
    picked = pick.cleaned_data if pick.is_valid() else {}
    try:
        choices = selectors.reschedule_choices_get(
            actor=request.actor,
            audit=request.audit,
            appointment_id=appointment_id,
            week=picked.get("week") or 0,
            start=picked.get("start") if request.method == "GET" else None,
        )
    except ChangeTooLate:
        messages.error(request, _too_late())
        return redirect("appointments:detail", appointment_id=appointment_id)
    context = {
        "choices": choices,
        "form": form,
        "taken": taken,
        "problem": slot_problem_message(choices.problem) if choices.problem else "",
        "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS,
        **_urls(appointment_id),
    }
    return render(request, "appointments/reschedule.html", context)


def _urls(appointment_id: str) -> dict:
    return {
        "detail_url": reverse("appointments:detail", args=[appointment_id]),
        "move_url": reverse("appointments:reschedule", args=[appointment_id]),
        "cancel_url": reverse("appointments:cancel", args=[appointment_id]),
    }


def _moved_message(moved: Changed) -> str:
    if moved.already_done:
        return _("Your appointment is already at that time.")
    if moved.emailed:
        return _("Your appointment is moved. We have emailed you the new time.")
    return _("Your appointment is moved. We could not email you the new time, but the change stands.")


@role_required(Role.PATIENT)
@require_POST
def send_confirmation(request, appointment_id):
    try:
        sent = services.appointment_confirmation_send(
            actor=request.actor, audit=request.audit, appointment_id=appointment_id
        )
    except ChangeTooLate:
        messages.error(request, _("This appointment is no longer booked, so there is nothing to confirm."))
    else:
        if sent:
            messages.success(request, _("We have sent the confirmation email again."))
        else:
            messages.error(
                request,
                _("We still could not send the confirmation email. Please try again in a few minutes."),
            )
    return redirect("appointments:detail", appointment_id=appointment_id)
