"""Reads for booking: doctors and their free times (no PHI), and a patient's
own appointments (PHI: audited before they are returned)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings

from appointments import repository
from appointments.availability.selectors import availability_read
from appointments.booking.domain import (
    CANCELLED_LIST,
    NEAREST_COUNT,
    PAST,
    AppointmentDetail,
    AppointmentList,
    BookingChoices,
    ChangeTooLate,
    DaySlots,
    FreeWeek,
    RescheduleChoices,
    SlotOffer,
    visit_choice,
)
from appointments.choices.selectors import choices_get, location_read, visit_type_read
from appointments.clinic import booking_horizon, change_cutoff, clinic_zone, cutoff_for, telehealth_url
from appointments.domain import (
    BOOKED,
    CANCELLED,
    Appointment,
    Availability,
    DoctorNotFound,
    Slot,
    SlotRefused,
    bookable_slots,
    free_slots,
    inside_change_cutoff,
    nearest_slots,
    slot_fits,
    slot_starting,
    slots_between,
)
from appointments.selectors import appointment_get_for
from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians.domain import SPECIALTIES
from clinicians.selectors import provider_list_by_specialty, provider_read
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext


def free_week_get(
    *,
    provider_id: str,
    week: int,
    ignoring: Appointment | None = None,
    minutes: int = 0,
    location_id: str = "",
) -> FreeWeek | None:
    """The doctor's free slots in week `week` from today, in two round trips:
    their availability (with their record) and that range's bookings; only
    those of at least `minutes` (a visit type's length) and at `location_id`
    where one is given. None if there is no such doctor. `ignoring` is an
    appointment whose own time counts as free (the one being moved)."""
    availability, provider = dynamo.read_together(
        availability_read(provider_id=provider_id), provider_read(provider_id=provider_id)
    )
    if provider is None:
        return None
    zone, now = clinic_zone(), clock.now()
    last_week = max(0, settings.BOOKING_HORIZON_WEEKS - 1)
    week = min(max(week, 0), last_week)
    first_day = now.astimezone(zone).date() + timedelta(weeks=week)
    last_day = first_day + timedelta(days=6)
    span = slots_between(availability, first_day, last_day, zone)
    taken = (
        repository.booked_spans(provider_id, since=span[0].start, until=max(s.end for s in span))
        if span
        else []
    )
    if ignoring is not None:
        taken = [booked for booked in taken if booked != (ignoring.start, ignoring.end)]
    free = bookable_slots(
        availability, first_day, last_day, zone, taken=taken, now=now, horizon=booking_horizon()
    )
    if ignoring is not None:
        # Its own time frees the slots it overlaps, but is never offered: moving there moves nothing.
        free = [slot for slot in free if slot.start != ignoring.start]
    free = [slot for slot in free if slot_fits(slot, minutes=minutes, location_id=location_id)]
    days: dict[date, list[Slot]] = {}
    for slot in free:
        days.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    return FreeWeek(provider, week, [DaySlots(day, slots) for day, slots in sorted(days.items())], last_week)


def booking_choices_get(
    *,
    specialty: str,
    provider_id: str,
    week: int,
    page_token: str | None,
    visit_type_id: str = "",
    location_id: str = "",
) -> BookingChoices:
    """The specialties that have a doctor with hours, and the clinic's visit
    types and locations (one Query); a specialty's doctors (one Query); once
    a doctor, the visit type (where the specialty has some) and the location
    (where the clinic has several) are chosen, that doctor's free slots long
    enough for it, there (one BatchGetItem, one Query), in place of the
    specialty's list: three round trips, the fewest the page's parts allow
    (tests in appointments/tests/test_pages.py). Doctors' names and free
    times only: no PHI. Raises medisecure.dynamo.InvalidPageToken for a
    forged token."""
    clinic = choices_get()
    specialties = [name for name in SPECIALTIES if name in clinic.bookable_specialties]
    visit_types = clinic.visit_types_in(specialty) if specialty else []
    visit_type = next((v for v in visit_types if v.visit_type_id == visit_type_id), None)
    locations = list(clinic.locations)
    location = clinic.location(location_id) or (locations[0] if len(locations) == 1 else None)
    choices = BookingChoices(
        specialty=specialty,
        doctors=[],
        next_page=None,
        schedule=None,
        specialties=specialties,
        visit_types=visit_types,
        locations=locations,
        visit_type=visit_type,
        location=location,
    )
    if provider_id and choices.ready_for_times:
        schedule = free_week_get(
            provider_id=provider_id,
            week=week,
            minutes=visit_type.minutes if visit_type else 0,
            location_id=location.location_id if location else "",
        )
        choices = replace(choices, schedule=schedule)
        if schedule is not None and not page_token:
            # The chosen doctor's week stands in for the specialty's list
            # (the page links back to it): the list would be a fourth round
            # trip on every week the patient pages through. A page of the
            # list asked for is read (and its token checked) all the same.
            return choices
    if specialty in specialties:
        doctors, next_page = provider_list_by_specialty(specialty=specialty, page_token=page_token)
        choices = replace(choices, doctors=doctors, next_page=next_page)
    return choices


def booking_slot_get(
    *, provider_id: str, start: datetime, visit_type_id: str = "", location_id: str = ""
) -> SlotOffer:
    """The slot a patient picked, checked before they confirm it (one batched
    read): DoctorNotFound, or SlotRefused (in the past, off the grid,
    outside the doctor's hours, too short for the visit type, elsewhere)."""
    reads: list[dynamo.ItemRead] = [
        availability_read(provider_id=provider_id),
        provider_read(provider_id=provider_id),
    ]
    if visit_type_id:
        reads.append(visit_type_read(visit_type_id=visit_type_id))
    if location_id:
        reads.append(location_read(location_id=location_id))
    found = dynamo.read_together(*reads)
    availability, provider = found[:2]
    if provider is None:
        raise DoctorNotFound
    now = clock.now()
    slot = slot_starting(availability, start, clinic_zone(), now=now, horizon=booking_horizon())
    visit = visit_choice(
        slot,
        specialty=provider.specialty,
        visit_type=found[2] if visit_type_id else None,
        location=found[-1] if location_id else None,
        visit_type_id=visit_type_id,
        location_id=location_id,
    )
    late = inside_change_cutoff(slot.start, now=now, cutoff=change_cutoff())
    return SlotOffer(provider=provider, slot=slot, inside_cutoff=late, visit=visit)


def nearest_free_slots(*, availability: Availability, wanted: datetime) -> list[Slot]:
    """The doctor's free slots closest to the time that was wanted (for the
    patient who lost it), from two days before to a week after."""
    zone, now = clinic_zone(), clock.now()
    day = wanted.astimezone(zone).date()
    slots = slots_between(availability, day - timedelta(days=2), day + timedelta(days=7), zone)
    if not slots:
        return []
    taken = repository.booked_spans(
        availability.provider_id, since=slots[0].start, until=max(s.end for s in slots)
    )
    free = [slot for slot in free_slots(slots, taken, now=now) if slot.start <= now + booking_horizon()]
    return nearest_slots(free, wanted, count=NEAREST_COUNT)


def appointment_list(
    *, actor: Actor, audit: AuditContext, when: str, page_token: str | None
) -> AppointmentList:
    """One page of the actor's upcoming booked (soonest first), upcoming
    cancelled (soonest first) or past (latest first) appointments: one
    Query, then the audit event. Raises medisecure.dynamo.InvalidPageToken
    for a forged token."""
    patient_id = actor.user_id
    now = clock.now()
    if when == PAST:
        appointments, next_page = repository.past_by_patient(patient_id, now=now, page_token=page_token)
    else:
        status = CANCELLED if when == CANCELLED_LIST else BOOKED
        appointments, next_page = repository.upcoming_by_patient(
            patient_id, now=now, page_token=page_token, status=status
        )
    audit_record(
        actor=actor,
        audit=audit,
        action="appointment.list",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        detail={"appointment_ids": [appointment.appointment_id for appointment in appointments]},
    )
    return AppointmentList(appointments=appointments, next_page=next_page, when=when)


def _read_audited(actor: Actor, audit: AuditContext, appointment_id: str) -> Appointment:
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action="appointment.read"
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="appointment.read",
        outcome=ALLOWED,
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        head=head,
    )
    return appointment


def appointment_get(*, actor: Actor, audit: AuditContext, appointment_id: str) -> AppointmentDetail:
    """The actor's appointment and whether they may still change it; audited.
    AppointmentNotFound if it is not theirs."""
    appointment = _read_audited(actor, audit, appointment_id)
    join_url = (
        telehealth_url(appointment.appointment_id)
        if appointment.telehealth and appointment.holds_time
        else ""
    )
    return AppointmentDetail(
        appointment, appointment.can_change(now=clock.now(), cutoff=cutoff_for(actor)), join_url=join_url
    )


def reschedule_choices_get(
    *, actor: Actor, audit: AuditContext, appointment_id: str, week: int, start: datetime | None = None
) -> RescheduleChoices:
    """The actor's appointment (audited) and its doctor's free slots, the
    same grid as booking's without the appointment's own time; with `start`,
    that time checked for the patient to confirm (or the problem with it).
    AppointmentNotFound if it is not theirs, ChangeTooLate if it can no
    longer be moved."""
    appointment = _read_audited(actor, audit, appointment_id)
    if not appointment.can_change(now=clock.now(), cutoff=cutoff_for(actor)):
        raise ChangeTooLate
    if start is not None and start != appointment.start:
        try:
            offer = booking_slot_get(
                provider_id=appointment.provider_id, start=start, location_id=appointment.location_id
            )
        except SlotRefused as refused:
            problem = refused.problem
        else:
            return RescheduleChoices(appointment, None, offer=offer)
    else:
        problem = ""
    schedule = free_week_get(
        provider_id=appointment.provider_id,
        week=week,
        ignoring=appointment,
        location_id=appointment.location_id,
    )
    return RescheduleChoices(appointment, schedule, problem=problem)
