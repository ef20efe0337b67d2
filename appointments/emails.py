"""What the appointment emails say, the calendar file they carry, and their
sending through medisecure.mail.

They give the date, the clinic's local time and the doctor, never the
reason for the visit: email is neither private nor under the clinic's
control once sent. A patient's email (and its calendar file) is in their
stored preferred language, whoever's action sent it; a doctor's in the
clinic's."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from appointments.clinic import clinic_zone
from appointments.domain import CANCELLED, Appointment
from medisecure import clinic_time, clock, languages, mail
from medisecure.mail import Attachment, Message

CALENDAR_TYPE = "text/calendar"
# A calendar that imports the file reminds the patient this long before.
ALARMS = (timedelta(days=1), timedelta(hours=1))


def confirmation(*, to: str, first_name: str, appointment: Appointment, language: str = "") -> Message:
    with languages.writing_to(language):
        invitation = Attachment("appointment.ics", CALENDAR_TYPE, calendar_file(appointment))
        return _message(
            to,
            "confirmed",
            _("Your appointment at %(clinic)s is booked") % {"clinic": settings.CLINIC_NAME},
            first_name,
            appointment,
            invitation,
        )


def reminder(*, to: str, first_name: str, appointment: Appointment, language: str = "") -> Message:
    with languages.writing_to(language):
        invitation = Attachment("appointment.ics", CALENDAR_TYPE, calendar_file(appointment))
        return _message(
            to,
            "reminder",
            _("Reminder: your appointment at %(clinic)s") % {"clinic": settings.CLINIC_NAME},
            first_name,
            appointment,
            invitation,
        )


def cancellation(*, to: str, first_name: str, appointment: Appointment, language: str = "") -> Message:
    """The cancellation, with a calendar file (METHOD:CANCEL, the event's UID
    and a higher SEQUENCE) that takes the event out of the patient's calendar."""
    with languages.writing_to(language):
        removal = Attachment("cancellation.ics", CALENDAR_TYPE, calendar_file(appointment))
        return _message(
            to,
            "cancelled",
            _("Your appointment at %(clinic)s is cancelled") % {"clinic": settings.CLINIC_NAME},
            first_name,
            appointment,
            removal,
        )


def moved(
    *, to: str, first_name: str, appointment: Appointment, previous_start: datetime, language: str = ""
) -> Message:
    """The appointment's new time and the one it had, with a calendar file
    that moves the event (same UID, higher SEQUENCE)."""
    with languages.writing_to(language):
        invitation = Attachment("appointment.ics", CALENDAR_TYPE, calendar_file(appointment))
        return _message(
            to,
            "moved",
            _("Your appointment at %(clinic)s is moved") % {"clinic": settings.CLINIC_NAME},
            first_name,
            appointment,
            invitation,
            previous_start=previous_start.astimezone(clinic_zone()),
        )


def waitlist_offer(*, to: str, first_name: str, hold, language: str = "") -> Message:
    """A freed time held for a waitlisted patient: the time, the doctor's
    name is left to the page (signed in), the link, and how long it is held."""
    start = hold.start.astimezone(clinic_zone())
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "first_name": first_name,
        "start": start,
        "minutes": int((hold.expires_at - clock.now()).total_seconds() // 60),
        "link": settings.SITE_URL + reverse("appointments:waitlist_claim", args=[hold.hold_id]),
        "appointments_url": settings.SITE_URL + reverse("appointments:list"),
    }
    with languages.writing_to(language):
        return Message(
            to=to,
            subject=_("A time has freed up at %(clinic)s: %(start)s")
            % {"clinic": settings.CLINIC_NAME, "start": clinic_time.clinic_datetime(start)},
            text=render_to_string("appointments/emails/waitlist_offer.txt", context),
            html=render_to_string("appointments/emails/waitlist_offer.html", context),
        )


NOTICE_WORDS = {"booked": "booked", "cancelled": "cancelled", "moved": "moved"}


def doctor_notice(
    *, to: str, appointment: Appointment, booked: bool = False, previous_start: datetime | None = None
) -> Message:
    """To a doctor who asked for it: a time was booked, freed, or (with
    `previous_start`) moved. No patient's name or reason: the schedule in
    the portal has those."""
    zone = clinic_zone()
    start = appointment.start.astimezone(zone)
    what = "moved" if previous_start is not None else "booked" if booked else "cancelled"
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "start": start,
        "booked": booked,
        "what": NOTICE_WORDS[what],
        "previous_start": previous_start.astimezone(zone) if previous_start is not None else None,
        "doctor": appointment.provider_name,
    }
    # Staff read the clinic's language, whoever's page made the change.
    with languages.writing_to(""):
        return Message(
            to=to,
            subject=f"An appointment was {what}: {start:%a %d %b %H:%M}",
            text=render_to_string("appointments/emails/doctor_notice.txt", context),
            html=render_to_string("appointments/emails/doctor_notice.html", context),
        )


def place_of(appointment: Appointment) -> str:
    """Where the visit is: its location as booked, else the clinic."""
    if appointment.telehealth:
        return _("Video visit (%(clinic)s)") % {"clinic": settings.CLINIC_NAME}
    return appointment.place or f"{settings.CLINIC_NAME}, {settings.CLINIC_ADDRESS}"


def phone_of(appointment: Appointment) -> str:
    return appointment.location_phone or settings.CLINIC_PHONE


def calendar_uid(appointment: Appointment) -> str:
    return f"{appointment.appointment_id}@{settings.CLINIC_ID}"


def calendar_file(appointment: Appointment) -> bytes:
    """An iCalendar (RFC 5545/5546) event for the appointment, in UTC. Its
    UID is the appointment's and its SEQUENCE the appointment's stored
    sequence, so a calendar that imports a moved one updates the event and a
    cancelled one (METHOD:CANCEL) removes it, instead of adding another. A
    booked one reminds a day and an hour before."""
    cancelled = appointment.status == CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//MediSecure//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", calendar_uid(appointment))
    event.add("dtstamp", clock.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.sequence)
    event.add("summary", _("Appointment with %(doctor)s") % {"doctor": appointment.provider_name})
    event.add("location", place_of(appointment))
    event.add("organizer", f"mailto:{settings.SES_SENDER}", parameters={"CN": settings.CLINIC_NAME})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        for before in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Appointment with %(doctor)s") % {"doctor": appointment.provider_name})
            alarm.add("trigger", -before)
            event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def _message(
    to: str,
    template: str,
    subject: str,
    first_name: str,
    appointment: Appointment,
    *attachments,
    previous_start: datetime | None = None,
) -> Message:
    context = {
        "previous_start": previous_start,
        "clinic_phone": phone_of(appointment),
        "place": place_of(appointment),
        "visit_type": appointment.visit_type_name,
        "clinic_name": settings.CLINIC_NAME,
        "first_name": first_name,
        "doctor": appointment.provider_name,
        "start": appointment.start.astimezone(clinic_zone()),
        "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS,
        # A doctor who cancels says why; the patient's own reason for the visit is never sent.
        "doctor_note": appointment.cancel_reason
        if appointment.cancelled_by == appointment.provider_id
        else "",
        "appointments_url": settings.SITE_URL + reverse("appointments:list"),
    }
    return Message(
        to=to,
        subject=subject,
        text=render_to_string(f"appointments/emails/{template}.txt", context),
        html=render_to_string(f"appointments/emails/{template}.html", context),
        attachments=tuple(attachments),
    )


def send(message: Message) -> bool:
    """Send one; whether SES took it. An email that does not go never undoes
    the change it is about: the page says so, and most can be sent again."""
    try:
        mail.send(message)
    except mail.MailNotSent:
        return False
    return True
