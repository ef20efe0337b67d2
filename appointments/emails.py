"""What the appointment emails say, and the calendar file they carry. Sent
through medisecure.mail.

They give the date, the clinic's local time and the doctor, never the
reason for the visit: email is neither private nor under the clinic's
control once sent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from icalendar import Calendar, Event

from appointments.domain import CANCELLED, Appointment
from medisecure import clock
from medisecure.mail import Attachment, Message

CALENDAR_TYPE = "text/calendar"


def confirmation(*, to: str, first_name: str, appointment: Appointment) -> Message:
    invitation = Attachment("appointment.ics", CALENDAR_TYPE, calendar_file(appointment))
    return _message(to, "confirmed", f"Your appointment at {settings.CLINIC_NAME} is booked", first_name, appointment, invitation)


def cancellation(*, to: str, first_name: str, appointment: Appointment) -> Message:
    return _message(to, "cancelled", f"Your appointment at {settings.CLINIC_NAME} is cancelled", first_name, appointment)


def calendar_file(appointment: Appointment) -> bytes:
    """An iCalendar (RFC 5545) event for the appointment, in UTC. Its UID is
    the appointment's, so a calendar that imports a re-sent or moved one
    updates the event instead of adding another."""
    calendar = Calendar()
    calendar.add("prodid", "-//MediSecure//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appointment.appointment_id}@{settings.CLINIC_ID}")
    event.add("dtstamp", clock.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("sequence", appointment.version)
    event.add("summary", f"Appointment with {appointment.provider_name}")
    event.add("location", settings.CLINIC_NAME)
    event.add("status", "CANCELLED" if appointment.status == CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def _message(to: str, template: str, subject: str, first_name: str, appointment: Appointment, *attachments) -> Message:
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "first_name": first_name,
        "doctor": appointment.provider_name,
        "start": appointment.start.astimezone(ZoneInfo(settings.CLINIC_TIME_ZONE)),
        "cutoff_hours": settings.APPOINTMENT_CHANGE_CUTOFF_HOURS,
        "appointments_url": settings.SITE_URL + reverse("appointments:list"),
    }
    return Message(
        to=to,
        subject=subject,
        text=render_to_string(f"appointments/emails/{template}.txt", context),
        html=render_to_string(f"appointments/emails/{template}.html", context),
        attachments=tuple(attachments),
    )
