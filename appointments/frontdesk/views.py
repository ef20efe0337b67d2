"""The front desk's pages: every doctor's day with arrivals, finding a
caller, booking for them, and moving or cancelling a visit for them (the
patient is emailed as if they had done it; the audit names both)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments.booking import selectors as booking_selectors
from appointments.booking import services as booking_services
from appointments.booking.domain import ChangeTooLate, PatientRecordMissing, SlotTaken
from appointments.booking.forms import (
    BookingChoiceForm,
    BookingForm,
    CancelForm,
    RescheduleChoiceForm,
    RescheduleForm,
    SlotPickForm,
    slot_problem_message,
)
from appointments.clinic import clinic_zone
from appointments.domain import ARRIVED, NO_SHOW, SlotRefused, new_booking_id
from appointments.frontdesk import selectors, services
from appointments.frontdesk.domain import CallerNotFound, CheckInRefused
from appointments.frontdesk.forms import CallerSearchForm, DeskDayForm
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role

STALE = "This appointment changed meanwhile. Nothing was changed: look at it again."
TOO_LATE = "This appointment can no longer be changed: it has started or is no longer booked."


@role_required(Role.FRONTDESK)
@require_GET
def home(request):
    form = DeskDayForm(request.GET)
    day = form.cleaned_data["day"] if form.is_valid() else None
    desk = selectors.desk_day_get(actor=request.actor, audit=request.audit, day=day)
    return render(request, "frontdesk/home.html", {"desk": desk, "search": CallerSearchForm()})


@role_required(Role.FRONTDESK)
@require_GET
def patient_search(request):
    form = CallerSearchForm(request.GET or None)
    found = None
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.caller_search(
            actor=request.actor,
            audit=request.audit,
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
    return render(request, "frontdesk/search.html", {"form": form, "found": found})


@role_required(Role.FRONTDESK)
@require_GET
def book(request, patient_id):
    form = BookingChoiceForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    patient, choices = selectors.booking_for_get(
        actor=request.actor,
        audit=request.audit,
        patient_id=patient_id,
        specialty=data.get("specialty", ""),
        provider_id=data.get("doctor", ""),
        week=data.get("week") or 0,
        page_token=data.get("page") or None,
        visit_type_id=data.get("visit_type", ""),
        location_id=data.get("location", ""),
    )
    context = {"patient": patient, "choices": choices, "form": form}
    return render(request, "frontdesk/book.html", context)


@role_required(Role.FRONTDESK)
@require_http_methods(["GET", "POST"])
def book_confirm(request, patient_id):
    if request.method == "POST":
        return _book(request, patient_id)
    pick = SlotPickForm(request.GET)
    patient = offer = None
    if pick.is_valid():
        data = pick.cleaned_data
        try:
            patient, offer = selectors.booking_slot_for_get(
                actor=request.actor,
                audit=request.audit,
                patient_id=patient_id,
                provider_id=data["doctor"],
                start=data["start"],
                visit_type_id=data["visit_type"],
                location_id=data["location"],
            )
        except SlotRefused as refused:
            pick.add_error("start", slot_problem_message(refused.problem))
    if patient is None:  # the caller is named on the page all the same (or 404)
        patient = selectors.caller_get(actor=request.actor, audit=request.audit, patient_id=patient_id)
    form = BookingForm(initial={**pick.data.dict(), "booking_id": new_booking_id()})
    context = {"form": form, "pick": pick, "offer": offer, "patient": patient, "patient_id": patient_id}
    return render(request, "frontdesk/book_confirm.html", context)


def _book(request, patient_id):
    form = BookingForm(request.POST)
    context = {"form": form, "pick": form, "offer": None, "patient": None, "patient_id": patient_id}
    if not form.is_valid():
        return render(request, "frontdesk/book_confirm.html", context)
    data = form.cleaned_data
    try:
        booked = booking_services.appointment_book(
            actor=request.actor,
            audit=request.audit,
            provider_id=data["doctor"],
            start=data["start"],
            reason=data["reason"],
            appointment_id=data["booking_id"],
            visit_type_id=data["visit_type"],
            location_id=data["location"],
            patient_id=patient_id,
        )
    except PatientRecordMissing as missing:
        raise CallerNotFound from missing
    except SlotRefused as refused:
        form.add_error("start", slot_problem_message(refused.problem))
        return render(request, "frontdesk/book_confirm.html", context)
    except SlotTaken:
        messages.error(request, "That time was just taken. Choose another one.")
        return redirect("frontdesk:book", patient_id=patient_id)
    note = (
        "The patient has been emailed the confirmation."
        if booked.emailed
        else "The email to the patient could not be sent: tell them the time."
    )
    messages.success(request, f"Booked. {note}")
    return redirect("frontdesk:appointment", appointment_id=booked.appointment.appointment_id)


def _urls(appointment_id: str) -> dict:
    return {
        "detail_url": reverse("frontdesk:appointment", args=[appointment_id]),
        "move_url": reverse("frontdesk:move", args=[appointment_id]),
        "cancel_url": reverse("frontdesk:cancel", args=[appointment_id]),
    }


@role_required(Role.FRONTDESK)
@require_GET
def appointment(request, appointment_id):
    detail = booking_selectors.appointment_get(
        actor=request.actor, audit=request.audit, appointment_id=appointment_id
    )
    return render(request, "frontdesk/appointment.html", {"detail": detail, **_urls(appointment_id)})


@role_required(Role.FRONTDESK)
@require_http_methods(["GET", "POST"])
def cancel(request, appointment_id):
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not form.is_valid():
        detail = booking_selectors.appointment_get(
            actor=request.actor, audit=request.audit, appointment_id=appointment_id
        )
        context = {"detail": detail, "form": form, "for_caller": True, **_urls(appointment_id)}
        return render(request, "appointments/cancel.html", context)
    try:
        cancelled = booking_services.appointment_cancel(
            actor=request.actor,
            audit=request.audit,
            appointment_id=appointment_id,
            reason=form.cleaned_data["reason"],
        )
    except ChangeTooLate:
        messages.error(request, TOO_LATE)
    except ConcurrentUpdate:
        messages.error(request, STALE)
    else:
        if cancelled.already_done:
            messages.success(request, "This appointment was already cancelled.")
        else:
            note = (
                "The patient has been emailed."
                if cancelled.emailed
                else "The email to the patient could not be sent: tell them."
            )
            messages.success(request, f"Cancelled. {note}")
    return redirect("frontdesk:appointment", appointment_id=appointment_id)


@role_required(Role.FRONTDESK)
@require_http_methods(["GET", "POST"])
def move(request, appointment_id):
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            moved = booking_services.appointment_reschedule(
                actor=request.actor,
                audit=request.audit,
                appointment_id=appointment_id,
                start=form.cleaned_data["start"],
                expected_version=form.cleaned_data["version"],
            )
        except (ChangeTooLate, ConcurrentUpdate) as refused:
            messages.error(request, TOO_LATE if isinstance(refused, ChangeTooLate) else STALE)
            return redirect("frontdesk:appointment", appointment_id=appointment_id)
        except SlotRefused as refused:
            problem = slot_problem_message(refused.problem)
        except SlotTaken:
            problem = "That time was just taken. Choose another one."
        else:
            note = (
                "The patient has been emailed the new time."
                if moved.emailed
                else "The email to the patient could not be sent: tell them the new time."
            )
            messages.success(request, f"Moved. {note}")
            return redirect("frontdesk:appointment", appointment_id=appointment_id)
    pick = RescheduleChoiceForm(request.GET)
    picked = pick.cleaned_data if pick.is_valid() else {}
    try:
        choices = booking_selectors.reschedule_choices_get(
            actor=request.actor,
            audit=request.audit,
            appointment_id=appointment_id,
            week=picked.get("week") or 0,
            start=picked.get("start") if request.method == "GET" else None,
        )
    except ChangeTooLate:
        messages.error(request, TOO_LATE)
        return redirect("frontdesk:appointment", appointment_id=appointment_id)
    context = {
        "choices": choices,
        "form": form,
        "taken": None,
        "problem": problem or (slot_problem_message(choices.problem) if choices.problem else ""),
        "for_caller": True,
        **_urls(appointment_id),
    }
    return render(request, "appointments/reschedule.html", context)


def _mark(request, appointment_id: str, status: str):
    try:
        changed = services.appointment_check_in(
            actor=request.actor, audit=request.audit, appointment_id=appointment_id, status=status
        )
    except CheckInRefused:
        messages.error(request, "That cannot be marked now: the visit is not booked, or not due yet.")
        return redirect("frontdesk:home")
    except ConcurrentUpdate:
        messages.error(request, STALE)
        return redirect("frontdesk:home")
    messages.success(request, f"Marked {changed.appointment.status_label.lower()}.")
    day = changed.appointment.start.astimezone(clinic_zone()).date()
    return redirect(f"{reverse('frontdesk:home')}?day={day:%Y-%m-%d}")


@role_required(Role.FRONTDESK)
@require_POST
def arrived(request, appointment_id):
    return _mark(request, appointment_id, ARRIVED)


@role_required(Role.FRONTDESK)
@require_POST
def no_show(request, appointment_id):
    return _mark(request, appointment_id, NO_SHOW)
