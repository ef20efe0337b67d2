"""The clinic's scheduling settings as every room's rules read them: the
time zone its hours are entered and shown in, how far ahead patients may
book, and how close to the start they may still change a booking."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from medisecure.identity.actors import Actor
from medisecure.identity.roles import Role


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


def booking_horizon() -> timedelta:
    return timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)


def change_cutoff() -> timedelta:
    return timedelta(hours=settings.APPOINTMENT_CHANGE_CUTOFF_HOURS)


def cutoff_for(actor: Actor) -> timedelta:
    """How close to its start the actor may still change an appointment: a
    patient up to the cut-off; the front desk (the clinic itself, on the
    phone) until it starts."""
    return timedelta(0) if actor.has_role(Role.FRONTDESK) else change_cutoff()


def telehealth_url(appointment_id: str) -> str:
    """The video visit's join link, from the clinic's setting."""
    return settings.TELEHEALTH_URL_TEMPLATE.format(appointment_id=appointment_id)
