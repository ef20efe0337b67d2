"""Appointment use cases: a doctor's availability, booking, a patient's list,
cancelling and rescheduling.

No double booking is decided by DynamoDB: an appointment and its lock items
are written in one transaction with attribute_not_exists guards, with the
care-team link and the audit event, so a booking lands whole or not at all.
Whoever loses a race is told the time was just taken and offered the
nearest free slots.

A patient acts only on their own appointments and a doctor only on their own
availability: the id always comes from the signed-in user. Someone else's
appointment answers as if it did not exist (and the attempt is audited)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from appointments import emails, repository
from appointments.domain import (
    CANCELLED,
    COMPLETED,
    NO_SHOW,
    PATIENT_LOCK_PREFIX,
    Appointment,
    Availability,
    Slot,
    availability_problems,
    free_slots,
    nearest_slots,
    new_appointment,
    slot_starting,
    slots_between,
    to_iso,
)
from audit.domain import ALLOWED, DENIED, ChainHead
from audit.services import Actor, AuditWriteFailed, audit_record, next_chain
from clinicians import repository as providers
from clinicians.domain import SPECIALTIES, Provider
from medisecure import clock, dynamo, mail
from patients import repository as patients
from patients.domain import Patient

logger = logging.getLogger(__name__)

CARE_TEAM_REASON = "Booked an appointment"
NEAREST_COUNT = 5
# Past appointments are listed back to this date; upcoming ones up to the other.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


class AppointmentNotFound(Exception):
    """No such appointment, or not the signed-in person's (same answer)."""


class DoctorNotFound(Exception):
    pass


class PatientRecordMissing(Exception):
    """The signed-in patient has no patient record to book for."""


class ChangeTooLate(Exception):
    """Too close to the start (or no longer booked) for the patient to change it."""


class ConcurrentUpdate(Exception):
    """The record changed after it was read; nothing was saved."""


class AvailabilityInvalid(Exception):
    def __init__(self, problems):
        super().__init__("availability has problems")
        self.problems = problems


class SlotTaken(Exception):
    """Someone else booked the time first (or, with `patient_busy`, the patient
    already has an appointment then). `nearest` are free slots close to it."""

    def __init__(self, *, nearest: list[Slot], patient_busy: bool = False):
        super().__init__("slot taken")
        self.nearest = nearest
        self.patient_busy = patient_busy


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


def _horizon() -> timedelta:
    return timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)


def change_cutoff() -> timedelta:
    return timedelta(hours=settings.APPOINTMENT_CHANGE_CUTOFF_HOURS)


# --- A doctor's availability ------------------------------------------------------


def availability_view(*, request) -> Availability:
    """The signed-in doctor's own availability (no PHI)."""
    return repository.availability_get(request.user.username)


def availability_update(*, request, proposed: Availability) -> Availability:
    """Replace the signed-in doctor's availability with `proposed` (whose
    version is the one they were editing). AvailabilityInvalid if it breaks
    a rule, ConcurrentUpdate if someone saved another meanwhile."""
    provider_id = request.user.username
    expected_version = proposed.version
    saved = Availability(
        provider_id=provider_id,
        rules=proposed.rules,
        days_off=proposed.days_off,
        extra_hours=proposed.extra_hours,
        version=expected_version + 1,
        notify_by_email=proposed.notify_by_email,
    )
    problems = availability_problems(saved)
    if problems:
        raise AvailabilityInvalid(problems)
    writes = [repository.availability_save_entry(saved, expected_version=expected_version)]
    try:
        audit_record(
            request=request, action="availability.update", outcome=ALLOWED,
            resource_type="availability", resource_id=provider_id, with_writes=writes,
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise ConcurrentUpdate from error
        raise
    return saved


# --- Choosing a doctor and a time ----------------------------------------------------


@dataclass(frozen=True)
class DaySlots:
    day: date
    slots: list[Slot]


@dataclass(frozen=True)
class Schedule:
    """A doctor's free slots for one week (local dates)."""

    provider: Provider
    week: int  # 0: the week starting today
    days: list[DaySlots]
    last_week: int


def free_week(*, provider_id: str, week: int, ignoring: Appointment | None = None) -> Schedule | None:
    """The doctor's free slots in week `week` from today, in two round trips:
    their availability (with their record) and that range's bookings. None
    if there is no such doctor."""
    availability, provider = repository.availability_with_provider(provider_id)
    if provider is None:
        return None
    zone, now = clinic_zone(), clock.now()
    last_week = max(0, settings.BOOKING_HORIZON_WEEKS - 1)
    week = min(max(week, 0), last_week)
    first_day = now.astimezone(zone).date() + timedelta(weeks=week)
    slots = [slot for slot in slots_between(availability, first_day, first_day + timedelta(days=6), zone) if slot.start <= now + _horizon()]
    taken = repository.booked_spans(provider_id, since=slots[0].start, until=max(s.end for s in slots)) if slots else []
    if ignoring is not None:
        taken = [span for span in taken if span != (ignoring.start, ignoring.end)]
    free = free_slots(slots, taken, now=now)
    days = {}
    for slot in free:
        days.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    return Schedule(provider, week, [DaySlots(day, slots) for day, slots in sorted(days.items())], last_week)


@dataclass(frozen=True)
class BookingChoices:
    specialty: str
    doctors: list[Provider]
    next_page: str | None
    schedule: Schedule | None


def booking_choices_view(*, specialty: str, provider_id: str, week: int, page_token: str | None) -> BookingChoices:
    """Doctors of a specialty and, once one is picked, their free slots.
    Doctors' names and free times only: no PHI."""
    doctors, next_page = [], None
    if specialty in SPECIALTIES:
        doctors, next_page = providers.list_by_specialty(specialty, page_token=page_token)
    schedule = free_week(provider_id=provider_id, week=week) if provider_id else None
    return BookingChoices(specialty=specialty, doctors=doctors, next_page=next_page, schedule=schedule)


@dataclass(frozen=True)
class SlotOffer:
    provider: Provider
    slot: Slot


def booking_slot_view(*, provider_id: str, start: datetime) -> SlotOffer:
    """The slot a patient picked, checked before they confirm it: DoctorNotFound
    or SlotRefused (in the past, off the grid, outside the doctor's hours)."""
    availability, provider = repository.availability_with_provider(provider_id)
    if provider is None:
        raise DoctorNotFound
    slot = slot_starting(availability, start, clinic_zone(), now=clock.now(), horizon=_horizon())
    return SlotOffer(provider=provider, slot=slot)


def _nearest_free(availability: Availability, wanted: datetime) -> list[Slot]:
    zone, now = clinic_zone(), clock.now()
    day = wanted.astimezone(zone).date()
    slots = slots_between(availability, day - timedelta(days=2), day + timedelta(days=7), zone)
    if not slots:
        return []
    taken = repository.booked_spans(availability.provider_id, since=slots[0].start, until=max(s.end for s in slots))
    free = [slot for slot in free_slots(slots, taken, now=now) if slot.start <= now + _horizon()]
    return nearest_slots(free, wanted, count=NEAREST_COUNT)


# --- Booking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    emailed: bool


def _audit_appointment(request, action: str, appointment: Appointment, **kwargs):
    return audit_record(
        request=request, action=action, resource_type="appointment",
        resource_id=appointment.appointment_id, patient_id=appointment.patient_id, **kwargs,
    )


def appointment_book(*, request, provider_id: str, start: datetime, reason: str, appointment_id: str) -> Booked:
    """Book the slot starting at `start` with the doctor for the signed-in
    patient, in one transaction with its locks, the care-team link and the
    audit event; then email the confirmation. Sending the same booking again
    (same `appointment_id`) books nothing new. Raises DoctorNotFound,
    PatientRecordMissing, SlotRefused or SlotTaken."""
    patient_id = request.user.username
    reads = repository.booking_reads(provider_id=provider_id, patient_id=patient_id, chain_id=next_chain())
    if reads.provider is None:
        raise DoctorNotFound
    if reads.patient is None:
        raise PatientRecordMissing
    slot = slot_starting(reads.availability, start, clinic_zone(), now=clock.now(), horizon=_horizon())
    appointment = new_appointment(
        appointment_id=appointment_id, patient_id=patient_id, patient_name=reads.patient.full_name,
        slot=slot, provider_name=reads.provider.display_name, reason=reason, at=to_iso(clock.now()),
    )
    link = None if reads.in_care_team else patients.care_team_add_entry(
        patient=reads.patient, provider_id=provider_id, since=appointment.created_at, reason=CARE_TEAM_REASON
    )
    booked = _write_booking(request, appointment, link, reads.head, reads.availability)
    emailed = _send_confirmation(reads.patient, booked)
    if reads.availability.notify_by_email:
        _send(emails.doctor_notice(to=reads.provider.email, appointment=booked, booked=True))
    return Booked(booked, emailed=emailed)


def _write_booking(
    request, appointment: Appointment, link: dict | None, head: ChainHead | None, availability: Availability
) -> Appointment:
    writes = repository.book_entries(appointment) + ([link] if link else [])
    try:
        _audit_appointment(
            request, "appointment.book", appointment, outcome=ALLOWED, with_writes=writes, head=head,
            detail={"provider_id": appointment.provider_id, "start": to_iso(appointment.start)},
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        refused = repository.refusals(error, writes)
        if refused.tables == {"care-team"}:
            # The doctor joined the patient's care team meanwhile (another
            # booking): the link is there, so book without it.
            return _write_booking(request, appointment, None, None, availability)
        if "appointments" in refused.tables:
            return _repeated_booking(appointment, availability)
        patient_busy = bool(refused.lock_ids) and all(lock.startswith(PATIENT_LOCK_PREFIX) for lock in refused.lock_ids)
        raise SlotTaken(nearest=_nearest_free(availability, appointment.start), patient_busy=patient_busy) from error
    return appointment


def _repeated_booking(appointment: Appointment, availability: Availability) -> Appointment:
    """The same booking sent again after it was made: the appointment that is
    there, if it is this patient's booking of this slot."""
    existing = repository.get(appointment.appointment_id)
    if (
        existing is None
        or existing.patient_id != appointment.patient_id
        or (existing.provider_id, existing.start) != (appointment.provider_id, appointment.start)
    ):
        raise SlotTaken(nearest=_nearest_free(availability, appointment.start))
    return existing


def _send_confirmation(patient: Patient, appointment: Appointment) -> bool:
    message = emails.confirmation(to=patient.email, first_name=patient.given_name, appointment=appointment)
    return _send(message)


def _send(message: mail.Message) -> bool:
    try:
        mail.send(message)
    except mail.MailNotSent:
        return False
    return True


# --- A patient's appointments ----------------------------------------------------------


@dataclass(frozen=True)
class AppointmentList:
    appointments: list[Appointment]
    next_page: str | None
    past: bool


def appointment_list_view(*, request, past: bool, page_token: str | None) -> AppointmentList:
    """One page of the signed-in patient's upcoming (soonest first) or past
    (latest first) appointments: one Query, then the audit event. Raises
    medisecure.dynamo.InvalidPageToken for a forged token."""
    patient_id = request.user.username
    now = clock.now()
    since, until = (EARLIEST, now) if past else (now, LATEST)
    appointments, next_page = repository.list_by_patient(
        patient_id, since=since, until=until, newest_first=past, page_token=page_token
    )
    audit_record(
        request=request, action="appointment.list", outcome=ALLOWED, resource_type="patient",
        resource_id=patient_id, patient_id=patient_id,
        detail={"appointment_ids": [appointment.appointment_id for appointment in appointments]},
    )
    return AppointmentList(appointments=appointments, next_page=next_page, past=past)


def _own_appointment(request, appointment_id: str, action: str) -> tuple[Appointment, ChainHead]:
    """The signed-in patient's appointment, or AppointmentNotFound (audited as
    denied) whether it is missing or someone else's."""
    appointment, head = repository.get_with_audit_head(appointment_id, chain_id=next_chain())
    if appointment is None or appointment.patient_id != request.user.username:
        audit_record(
            request=request, action=action, outcome=DENIED, resource_type="appointment",
            resource_id=appointment_id, detail={"reason": "not_found"}, head=head,
        )
        raise AppointmentNotFound
    return appointment, head


@dataclass(frozen=True)
class AppointmentDetail:
    appointment: Appointment
    can_change: bool


def appointment_view(*, request, appointment_id: str) -> AppointmentDetail:
    appointment, head = _own_appointment(request, appointment_id, "appointment.read")
    _audit_appointment(request, "appointment.read", appointment, outcome=ALLOWED, head=head)
    return AppointmentDetail(appointment, appointment.can_change(now=clock.now(), cutoff=change_cutoff()))


@dataclass(frozen=True)
class Changed:
    appointment: Appointment
    emailed: bool
    already_done: bool = False


def appointment_cancel(*, request, appointment_id: str) -> Changed:
    """Cancel the signed-in patient's appointment: the status change, the
    release of its locks and the audit event in one transaction; then the
    cancellation email. Cancelling it again changes nothing."""
    appointment, head = _own_appointment(request, appointment_id, "appointment.cancel")
    if appointment.status == CANCELLED:
        return Changed(appointment, emailed=False, already_done=True)
    if not appointment.can_change(now=clock.now(), cutoff=change_cutoff()):
        raise ChangeTooLate
    cancelled = appointment.with_status(CANCELLED, at=to_iso(clock.now()), by=request.user.username)
    writes = repository.status_change_entries(appointment, cancelled)
    try:
        _audit_appointment(request, "appointment.cancel", appointment, outcome=ALLOWED, with_writes=writes, head=head)
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise ConcurrentUpdate from error
        raise
    patient = patients.get(appointment.patient_id)
    emailed = patient is not None and _send(
        emails.cancellation(to=patient.email, first_name=patient.given_name, appointment=cancelled)
    )
    _notify_doctor_of_cancel(cancelled)
    return Changed(cancelled, emailed=emailed)


def _notify_doctor_of_cancel(cancelled: Appointment) -> None:
    try:
        availability, provider = repository.availability_with_provider(cancelled.provider_id)
    except (ClientError, BotoCoreError) as error:
        # The cancellation is stored; a notice it cannot read for must not
        # turn it into an error page. Identifiers only.
        logger.warning("doctor notice for appointment %s not sent: %s", cancelled.appointment_id, type(error).__name__)
        return
    if availability.notify_by_email and provider is not None:
        _send(emails.doctor_notice(to=provider.email, appointment=cancelled, booked=False))


@dataclass(frozen=True)
class RescheduleChoices:
    appointment: Appointment
    schedule: Schedule | None


def reschedule_choices_view(*, request, appointment_id: str, week: int) -> RescheduleChoices:
    """The signed-in patient's appointment and its doctor's free slots."""
    appointment, head = _own_appointment(request, appointment_id, "appointment.read")
    _audit_appointment(request, "appointment.read", appointment, outcome=ALLOWED, head=head)
    if not appointment.can_change(now=clock.now(), cutoff=change_cutoff()):
        raise ChangeTooLate
    return RescheduleChoices(appointment, free_week(provider_id=appointment.provider_id, week=week, ignoring=appointment))


def appointment_reschedule(*, request, appointment_id: str, start: datetime, expected_version: int) -> Changed:
    """Move the signed-in patient's appointment to the slot starting at
    `start`, in one transaction: the new time's locks taken, the old time's
    released, the appointment updated and the audit event; or nothing
    changes. Moving it again to the same time changes nothing. Raises
    ChangeTooLate, ConcurrentUpdate, SlotRefused or SlotTaken."""
    appointment, head = _own_appointment(request, appointment_id, "appointment.reschedule")
    if appointment.is_booked and appointment.start == start:
        return Changed(appointment, emailed=False, already_done=True)
    if appointment.version != expected_version:
        raise ConcurrentUpdate
    if not appointment.can_change(now=clock.now(), cutoff=change_cutoff()):
        raise ChangeTooLate
    availability = repository.availability_get(appointment.provider_id)
    slot = slot_starting(availability, start, clinic_zone(), now=clock.now(), horizon=_horizon())
    moved = appointment.moved_to(slot, at=to_iso(clock.now()))
    writes = repository.move_entries(appointment, moved)
    try:
        _audit_appointment(
            request, "appointment.reschedule", appointment, outcome=ALLOWED, with_writes=writes, head=head,
            detail={"from": to_iso(appointment.start), "to": to_iso(moved.start)},
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        refused = repository.refusals(error, writes)
        if "appointments" in refused.tables:
            raise ConcurrentUpdate from error
        patient_busy = bool(refused.lock_ids) and all(lock.startswith(PATIENT_LOCK_PREFIX) for lock in refused.lock_ids)
        raise SlotTaken(nearest=_nearest_free(availability, start), patient_busy=patient_busy) from error
    patient = patients.get(appointment.patient_id)
    return Changed(moved, emailed=patient is not None and _send_confirmation(patient, moved))


def appointment_confirmation_send(*, request, appointment_id: str) -> bool:
    """Email the confirmation of the signed-in patient's booked, upcoming
    appointment again (after a failed send). Whether SES took it. Books
    nothing. ChangeTooLate if it is no longer booked or already started."""
    appointment, head = _own_appointment(request, appointment_id, "appointment.confirmation_send")
    if not appointment.is_booked or appointment.start <= clock.now():
        raise ChangeTooLate
    _audit_appointment(request, "appointment.confirmation_send", appointment, outcome=ALLOWED, head=head)
    patient = patients.get(appointment.patient_id)
    return patient is not None and _send_confirmation(patient, appointment)


# --- A doctor's changes to their own appointments --------------------------------

DOCTOR_ACTIONS = {CANCELLED: "appointment.cancel", COMPLETED: "appointment.complete", NO_SHOW: "appointment.no_show"}


class StatusChangeRefused(Exception):
    """Not a change the doctor may make now (already cancelled, not started yet...)."""


def _doctors_appointment(request, appointment_id: str, action: str) -> tuple[Appointment, ChainHead]:
    """The signed-in doctor's own appointment, or AppointmentNotFound (audited
    as denied) whether it is missing or another doctor's."""
    appointment, head = repository.get_with_audit_head(appointment_id, chain_id=next_chain())
    if appointment is None or appointment.provider_id != request.user.username:
        audit_record(
            request=request, action=action, outcome=DENIED, resource_type="appointment",
            resource_id=appointment_id, detail={"reason": "not_found"}, head=head,
        )
        raise AppointmentNotFound
    return appointment, head


def appointment_doctor_check(*, request, appointment_id: str, action: str) -> None:
    """Whether the appointment is the signed-in doctor's, before their input
    is sent back to them to correct: AppointmentNotFound (audited as denied)
    if it is not. Reads nothing it shows."""
    _doctors_appointment(request, appointment_id, action)


def appointment_doctor_update(*, request, appointment_id: str, status: str, reason: str = "") -> Changed:
    """The signed-in doctor cancels their appointment (with a reason, which the
    patient is emailed) or marks it completed or missed: the status change,
    the release of a cancelled appointment's locks and the audit event in one
    transaction. Raises AppointmentNotFound, StatusChangeRefused or
    ConcurrentUpdate."""
    action = DOCTOR_ACTIONS.get(status)
    if action is None:
        raise StatusChangeRefused
    appointment, head = _doctors_appointment(request, appointment_id, action)
    if appointment.status == status:
        return Changed(appointment, emailed=False, already_done=True)
    if not appointment.doctor_may_set(status, now=clock.now()):
        raise StatusChangeRefused
    changed = appointment.with_status(
        status, at=to_iso(clock.now()), by=request.user.username if status == CANCELLED else "",
        reason=reason if status == CANCELLED else "",
    )
    try:
        _audit_appointment(
            request, action, appointment, outcome=ALLOWED, head=head,
            with_writes=repository.status_change_entries(appointment, changed), detail={"by": "provider"},
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise ConcurrentUpdate from error
        raise
    if status != CANCELLED:
        return Changed(changed, emailed=False)
    patient = patients.get(appointment.patient_id)
    emailed = patient is not None and _send(
        emails.cancellation(to=patient.email, first_name=patient.given_name, appointment=changed)
    )
    return Changed(changed, emailed=emailed)


# --- Reminders -----------------------------------------------------------------------

REMINDER_ACTOR = Actor(user_id="system:send_reminders", role="system")


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    already_sent: int
    not_sent: int


def appointment_reminders_send(*, within: timedelta) -> ReminderRun:
    """Email every patient whose booked appointment starts within `within`,
    once: each reminder is claimed by a conditional write before it is sent,
    so runs that repeat or overlap never send it twice. A reminder whose
    email fails is released for the next run; one claimed by a run that died
    before finishing is taken over after APPOINTMENT_REMINDER_CLAIM_MINUTES
    (if it died after SES took the email, that one goes out twice: the price
    of never losing a reminder)."""
    now = clock.now()
    stale_before = now - timedelta(minutes=settings.APPOINTMENT_REMINDER_CLAIM_MINUTES)
    token = uuid.uuid4().hex
    sent = already_sent = not_sent = 0
    for appointment in repository.booked_starting_between(now, now + within):
        if not repository.reminder_claim(appointment, token=token, stale_before=stale_before):
            already_sent += 1
        elif _remind(appointment):
            repository.reminder_sent(appointment, token=token)
            sent += 1
        else:
            repository.reminder_release(appointment, token=token)
            not_sent += 1
    return ReminderRun(sent=sent, already_sent=already_sent, not_sent=not_sent)


def _remind(appointment: Appointment) -> bool:
    patient = patients.get(appointment.patient_id)
    if patient is None:
        return False
    try:
        _audit_appointment(None, "appointment.reminder", appointment, outcome=ALLOWED, actor=REMINDER_ACTOR)
    except AuditWriteFailed:
        logger.warning("reminder for appointment %s not audited; not sent", appointment.appointment_id)
        return False
    return _send(emails.reminder(to=patient.email, first_name=patient.given_name, appointment=appointment))


# --- A doctor's schedule ---------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleEntry:
    """An appointment on the doctor's schedule and what they may do with it now."""

    appointment: Appointment
    may_cancel: bool
    may_mark: bool  # completed or missed


@dataclass(frozen=True)
class ProviderSchedule:
    first_day: date
    days: int
    appointments: list[Appointment]
    next_page: str | None
    now: datetime | None = None

    @property
    def entries(self) -> list[ScheduleEntry]:
        now = self.now or clock.now()
        return [
            ScheduleEntry(
                appointment,
                may_cancel=appointment.doctor_may_set(CANCELLED, now=now),
                may_mark=appointment.doctor_may_set(COMPLETED, now=now),
            )
            for appointment in self.appointments
        ]


@dataclass(frozen=True)
class Stretch:
    """The days a schedule page shows and the pages around it (local dates)."""

    view: str  # "day" or "week"
    first_day: date
    days: int
    today: date

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    @property
    def previous(self) -> date:
        return self.first_day - timedelta(days=self.days)

    @property
    def next(self) -> date:
        return self.first_day + timedelta(days=self.days)

    @property
    def shows_today(self) -> bool:
        return self.first_day <= self.today <= self.last_day


def _stretch(view: str, start: date | None) -> Stretch:
    """A day from `start` (today by default), or the week (Monday to Sunday)
    holding it."""
    today = clock.now().astimezone(clinic_zone()).date()
    first_day = start or today
    if view == "week":
        return Stretch("week", first_day - timedelta(days=first_day.weekday()), 7, today)
    return Stretch("day", first_day, 1, today)


def provider_schedule_view(*, request, first_day: date, days: int = 1, page_token: str | None = None) -> ProviderSchedule:
    """The signed-in doctor's appointments on `days` local dates from
    `first_day` (a day or a week), every status, soonest first: one Query of
    ProviderAppointmentsIndex, then the audit event naming the patients shown.
    Raises medisecure.dynamo.InvalidPageToken for a forged token."""
    provider_id = request.user.username
    zone = clinic_zone()
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=zone) - timedelta(seconds=1)
    appointments, next_page = repository.list_by_provider(
        provider_id, since=since, until=until, limit=100, page_token=page_token
    )
    audit_record(
        request=request, action="appointment.schedule", outcome=ALLOWED, resource_type="provider",
        resource_id=provider_id,
        detail={"patient_ids": sorted({appointment.patient_id for appointment in appointments})},
    )
    return ProviderSchedule(
        first_day=first_day, days=days, appointments=appointments, next_page=next_page, now=clock.now()
    )


@dataclass(frozen=True)
class SchedulePage:
    stretch: Stretch
    schedule: ProviderSchedule


def provider_schedule_page_view(*, request, view: str, start: date | None, page_token: str | None) -> SchedulePage:
    """The doctor's home: their appointments on the day `start` (today by
    default) or, with `view` "week", the week holding it; as
    provider_schedule_view."""
    stretch = _stretch(view, start)
    schedule = provider_schedule_view(
        request=request, first_day=stretch.first_day, days=stretch.days, page_token=page_token
    )
    return SchedulePage(stretch=stretch, schedule=schedule)
