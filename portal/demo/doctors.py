"""Step "doctors": four doctors across three specialties, each with weekly
hours, so every specialty the directory lists has someone to book."""

from __future__ import annotations

from appointments.availability.services import availability_update
from appointments.domain import Availability
from medisecure.errors import ConcurrentUpdate
from portal import seeding
from portal.demo.clinic import DemoClinic
from portal.demo.people import DOCTORS


def doctors_seed(clinic: DemoClinic) -> str:
    hours_set = 0
    for doctor in DOCTORS:
        seeding.user_seed(person=doctor.person, password=clinic.password)
        try:
            # Version 0: only a doctor who has never saved hours gets these.
            availability_update(
                actor=clinic.doctor(doctor.key),
                audit=clinic.audit,
                proposed=Availability(provider_id="", rules=doctor.hours, version=0),
            )
            hours_set += 1
        except ConcurrentUpdate:
            pass  # hours of their own already: kept
    return f"{len(DOCTORS)} doctors, {hours_set} with new weekly hours"
