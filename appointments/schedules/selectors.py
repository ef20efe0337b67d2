"""Reads of the doctor's own schedule (PHI: audited, naming the patients
shown, before it is returned)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from appointments import repository
from appointments.availability.selectors import availability_get, availability_read
from appointments.clinic import booking_horizon, clinic_zone, telehealth_url
from appointments.domain import Availability, bookable_slots
from appointments.schedules.domain import DAY, ProviderSchedule, SchedulePage, Stretch, stretch_of
from appointments.schedules.grid import WeekGrid, dates_of, week_grid
from audit.domain import ALLOWED
from audit.services import audit_record
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from patients.messages import selectors as messages
from patients.records import selectors as records

SCHEDULE_PAGE = 100
HOME_LIST = 5


def provider_schedule_get(
    *,
    actor: Actor,
    audit: AuditContext,
    first_day: date,
    days: int = 1,
    page_token: str | None = None,
    also_shown: list[str] | None = None,
) -> ProviderSchedule:
    """The actor's (a doctor's) appointments on `days` local dates from
    `first_day` (a day or a week), every status, soonest first: one Query of
    ProviderAppointmentsIndex, then the audit event naming the patients shown
    (with `also_shown`: the results the page shows beside the schedule, by
    id). Raises medisecure.dynamo.InvalidPageToken for a forged token."""
    provider_id = actor.user_id
    zone = clinic_zone()
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=zone) - timedelta(
        seconds=1
    )
    appointments, next_page = repository.list_by_provider(
        provider_id, since=since, until=until, limit=SCHEDULE_PAGE, page_token=page_token
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="appointment.schedule",
        outcome=ALLOWED,
        resource_type="provider",
        resource_id=provider_id,
        detail={
            "patient_ids": sorted({appointment.patient_id for appointment in appointments}),
            **({"entry_ids": also_shown} if also_shown else {}),
        },
    )
    join_urls = {
        appointment.appointment_id: telehealth_url(appointment.appointment_id)
        for appointment in appointments
        if appointment.telehealth and appointment.holds_time
    }
    return ProviderSchedule(
        first_day=first_day,
        days=days,
        appointments=appointments,
        next_page=next_page,
        now=clock.now(),
        join_urls=join_urls,
    )


def schedule_page_get(
    *, actor: Actor, audit: AuditContext, view: str, start: date | None, page_token: str | None
) -> SchedulePage:
    """The doctor's home: their appointments on the day `start` (today by
    default) or, with `view` WEEK, the week holding it; as
    provider_schedule_get, with the time grid of those days. Three round
    trips: the appointments, the doctor's hours, the audit event. Today's
    page also says how many messages from patients are unread (their
    counter, read with the hours) and lists the results waiting for review
    (one Query): four round trips."""
    stretch = stretch_of(view, start, today=clock.now().astimezone(clinic_zone()).date())
    unread, to_review, availability = 0, [], None
    if stretch.view == DAY and stretch.shows_today and not page_token:
        availability, unread = dynamo.read_together(
            availability_read(provider_id=actor.user_id), messages.unread_count_read(user_id=actor.user_id)
        )
        to_review = records.results_to_review_list(provider_id=actor.user_id, limit=HOME_LIST)
    schedule = provider_schedule_get(
        actor=actor,
        audit=audit,
        first_day=stretch.first_day,
        days=stretch.days,
        page_token=page_token,
        also_shown=[result.entry_id for result in to_review],
    )
    grid = schedule_grid_get(
        provider_id=actor.user_id, stretch=stretch, schedule=schedule, availability=availability
    )
    return SchedulePage(
        stretch=stretch, schedule=schedule, grid=grid, unread_messages=unread, to_review=to_review
    )


def schedule_grid_get(
    *,
    provider_id: str,
    stretch: Stretch,
    schedule: ProviderSchedule,
    availability: Availability | None = None,
) -> WeekGrid:
    """The stretch's time grid: its appointments (already read and audited)
    and the doctor's open slots, those a patient could book now (one read:
    the doctor's hours, unless the caller read them already; the bookings
    are the appointments shown)."""
    zone = clinic_zone()
    if availability is None:
        availability = availability_get(provider_id=provider_id)
    taken = [(a.start, a.end) for a in schedule.appointments if a.holds_time]
    open_slots = bookable_slots(
        availability,
        stretch.first_day,
        stretch.last_day,
        zone,
        taken=taken,
        now=schedule.now,
        horizon=booking_horizon(),
    )
    return week_grid(dates_of(stretch.first_day, stretch.days), schedule.appointments, open_slots, zone)
