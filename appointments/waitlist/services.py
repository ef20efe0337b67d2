"""Joining a doctor's waitlist, offering a freed slot to the first patient
on it (a 15-minute hold on the slot's own lock items), claiming the hold,
and passing an expired hold to the next patient. Every write conditional,
with its audit event in the same transaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from appointments import emails
from appointments import repository as appointments
from appointments.availability.selectors import availability_read
from appointments.clinic import booking_horizon, clinic_zone
from appointments.domain import (
    CARE_TEAM_REASON,
    AppointmentExists,
    Changed,
    DoctorNotFound,
    DoctorSlotTaken,
    Slot,
    bookable_slots,
    lock_ids,
    new_appointment,
)
from appointments.waitlist import repository
from appointments.waitlist.domain import (
    CLAIMED,
    DONE,
    EXPIRED,
    FULL_DAYS,
    HOLD,
    OFFERED,
    WAITING,
    Hold,
    HoldGone,
    HoldNotFound,
    TimesAreFree,
    WaitEntry,
    new_hold_id,
)
from audit.services import audit_event_add, chain_head_read
from clinicians.selectors import provider_read
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext, system_actor
from medisecure.unit_of_work import Transaction
from patients.care_team.selectors import care_team_link_read
from patients.care_team.services import AlreadyInCareTeam, care_team_link_add
from patients.selectors import patient_get, patient_read

logger = logging.getLogger(__name__)
OFFERER = system_actor("waitlist")


def waitlist_join(
    *, actor: Actor, audit: AuditContext, provider_id: str, visit_type_id: str = ""
) -> WaitEntry:
    """Put the actor (a patient) on the doctor's list for the visit type,
    once, with its audit event; only when the doctor has no free time in the
    next two weeks (TimesAreFree otherwise). Raises DoctorNotFound, AlreadyWaiting."""
    availability, provider = dynamo.read_together(
        availability_read(provider_id=provider_id), provider_read(provider_id=provider_id)
    )
    if provider is None:
        raise DoctorNotFound
    zone, now = clinic_zone(), clock.now()
    first = now.astimezone(zone).date()
    last = first + timedelta(days=FULL_DAYS - 1)
    since, until = now, now + timedelta(days=FULL_DAYS + 1)
    taken = appointments.booked_spans(provider_id, since=since, until=until)
    if bookable_slots(availability, first, last, zone, taken=taken, now=now, horizon=booking_horizon()):
        raise TimesAreFree
    entry = WaitEntry(provider_id, visit_type_id, actor.user_id, joined_at=f"{clock.stamp()}#{actor.user_id}")
    tx = Transaction()
    repository.entry_join_add(tx, entry)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="waitlist.join",
        resource_type="provider",
        resource_id=provider_id,
        patient_id=actor.user_id,
    )
    tx.commit()
    return entry


def waitlist_offer_freed(
    *,
    provider_id: str,
    visit_type_id: str,
    start: datetime,
    end: datetime,
    skip: frozenset[str] = frozenset(),
) -> Hold | None:
    """A time of the doctor's has freed (a cancel or a move): hold it for
    the first patient still waiting on the list for that visit type, for
    HOLD_MINUTES, and email them the link. The hold takes the slot's own
    lock items, so no one else can book it meanwhile; if someone already
    has, nobody is offered it. None when no one is waiting."""
    now = clock.now()
    if start <= now:
        return None
    entry = repository.first_waiting(provider_id, visit_type_id, skip=set(skip))
    if entry is None:
        return None
    locks = tuple(
        lock
        for lock in lock_ids(provider_id=provider_id, patient_id="-", start=start, end=end)
        if lock.startswith("provider#")
    )
    hold = Hold(
        hold_id=new_hold_id(),
        provider_id=provider_id,
        visit_type_id=visit_type_id,
        patient_id=entry.patient_id,
        entry_joined_at=entry.joined_at,
        start=start,
        end=end,
        expires_at=now + HOLD,
        lock_ids=locks,
    )
    tx = Transaction()
    appointments.hold_locks_take(
        tx, hold_id=hold.hold_id, lock_ids=locks, expires_at=clock.epoch_seconds(hold.expires_at)
    )
    repository.hold_add(tx, hold)
    repository.entry_status_add(tx, entry, status=OFFERED, was=WAITING)
    audit_event_add(
        tx,
        actor=OFFERER,
        audit=AuditContext(),
        action="waitlist.offer",
        resource_type="waitlist_hold",
        resource_id=hold.hold_id,
        patient_id=entry.patient_id,
    )
    try:
        tx.commit()
    except (DoctorSlotTaken, HoldGone):
        return None
    patient = patient_get(patient_id=entry.patient_id)
    if patient is not None:
        emails.send(
            emails.waitlist_offer(
                to=patient.email,
                first_name=patient.given_name,
                hold=hold,
                language=patient.preferred_language,
            )
        )
    return hold


def waitlist_holds_expire() -> int:
    """Close every hold whose time ran out and offer its slot to the next
    patient waiting (the lapsed one is off the list). Run every few minutes
    (manage.py waitlist_expire). Its lock items need no release: a lapsed
    hold's locks are free to the next booking or hold by their own
    condition. How many holds were closed."""
    now = clock.now()
    closed = 0
    for hold in repository.holds_expired(now):
        tx = Transaction()
        repository.hold_close_add(tx, hold, status=EXPIRED)
        entry = WaitEntry(
            hold.provider_id, hold.visit_type_id, hold.patient_id, hold.entry_joined_at, OFFERED
        )
        repository.entry_status_add(tx, entry, status=DONE, was=OFFERED)
        audit_event_add(
            tx,
            actor=OFFERER,
            audit=AuditContext(),
            action="waitlist.hold_expire",
            resource_type="waitlist_hold",
            resource_id=hold.hold_id,
            patient_id=hold.patient_id,
        )
        try:
            tx.commit()
        except HoldGone:
            continue  # claimed meanwhile
        closed += 1
        waitlist_offer_freed(
            provider_id=hold.provider_id,
            visit_type_id=hold.visit_type_id,
            start=hold.start,
            end=hold.end,
            skip=frozenset({hold.patient_id}),
        )
    return closed


def hold_get_for(*, actor: Actor, hold_id: str) -> Hold:
    """The actor's own live or closed hold; HoldNotFound for anyone else's."""
    [hold] = dynamo.read_together(repository.hold_read(hold_id))
    if hold is None or hold.patient_id != actor.user_id:
        raise HoldNotFound
    return hold


def hold_claim(*, actor: Actor, audit: AuditContext, hold_id: str, reason: str) -> Changed:
    """Book the held slot for the actor (the patient it is held for): the
    appointment (its id the hold's, so claiming twice books once), the
    hold's locks turned into the appointment's (only while the hold lives),
    the patient's locks, the hold closed, the care-team link, the audit
    event: one transaction after two batched reads (the hold, then the
    doctor, patient, care-team link and chain head). Raises HoldNotFound,
    HoldGone (ran out, or claimed by another), PatientBusy."""
    patient_id = actor.user_id
    hold, provider, patient, link, head = _claim_reads(hold_id, patient_id)
    if hold is None or hold.patient_id != patient_id:
        raise HoldNotFound
    if provider is None:
        raise DoctorNotFound
    if patient is None:
        raise HoldNotFound
    existing = appointments.get(hold.hold_id) if hold.status == CLAIMED else None
    if existing is not None:
        return Changed(existing, emailed=False, already_done=True)
    if not hold.live(clock.now()):
        raise HoldGone
    appointment = new_appointment(
        appointment_id=hold.hold_id,
        patient_id=patient_id,
        patient_name=patient.full_name,
        slot=Slot(hold.start, hold.end, hold.provider_id),
        provider_name=provider.display_name,
        specialty=provider.specialty,
        reason=reason,
        at=clock.stamp(),
    )
    booked = _claim_write(actor, audit, hold, appointment, patient, with_link=link is None, head=head)
    emailed = emails.send(
        emails.confirmation(
            to=patient.email,
            first_name=patient.given_name,
            appointment=booked,
            language=patient.preferred_language,
        )
    )
    return Changed(booked, emailed=emailed)


def _claim_reads(hold_id: str, patient_id: str) -> tuple:
    [hold] = dynamo.read_together(repository.hold_read(hold_id), consistent=True)
    provider_id = hold.provider_id if hold is not None else "-"
    provider, patient, link, head = dynamo.read_together(
        provider_read(provider_id=provider_id),
        patient_read(patient_id=patient_id),
        care_team_link_read(patient_id=patient_id, provider_id=provider_id),
        chain_head_read(),
        consistent=True,
    )
    return hold, provider, patient, link, head


def _claim_write(actor, audit, hold: Hold, appointment, patient, *, with_link: bool, head):
    tx = Transaction()
    appointments.appointment_add(tx, appointment)
    appointments.held_locks_claim(tx, appointment, hold_id=hold.hold_id, refused=HoldGone)
    appointments.locks_take(tx, appointment, appointment.patient_locks)
    repository.hold_close_add(tx, hold, status=CLAIMED)
    entry = WaitEntry(hold.provider_id, hold.visit_type_id, hold.patient_id, hold.entry_joined_at, OFFERED)
    repository.entry_status_add(tx, entry, status=DONE, was=OFFERED)
    if with_link:
        care_team_link_add(
            tx=tx,
            patient=patient,
            provider_id=appointment.provider_id,
            since=appointment.created_at,
            reason=CARE_TEAM_REASON,
        )
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="appointment.book",
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        detail={"provider_id": appointment.provider_id, "from_waitlist": hold.hold_id},
        head=head,
    )
    try:
        tx.commit()
    except AlreadyInCareTeam:
        return _claim_write(actor, audit, hold, appointment, patient, with_link=False, head=None)
    except AppointmentExists:
        existing = appointments.get(appointment.appointment_id)
        if existing is None:
            raise HoldGone from None
        return existing
    return appointment


def freed_time_offer(*, provider_id: str, visit_type_id: str, start: datetime, end: datetime) -> None:
    """waitlist_offer_freed after a cancel or move has been stored: it never
    turns the stored change into an error (ids only in the log)."""
    try:
        waitlist_offer_freed(provider_id=provider_id, visit_type_id=visit_type_id, start=start, end=end)
    except Exception as error:  # noqa: BLE001  the change it follows is stored; the next sweep retries nothing
        logger.warning("waitlist offer for %s not made: %s", provider_id, type(error).__name__)
