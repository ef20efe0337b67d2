"""Step "upcoming": appointments in the coming weeks, booked by their
patients, so the doctors' schedules and the patients' homes have something
next (the demo patient two: a review and a cardiology follow-up)."""

from __future__ import annotations

from datetime import timedelta

from appointments.booking.services import appointment_book
from medisecure import clock
from portal.demo.clinic import DemoClinic, fixed_id

# (patient, doctor, days from today, hour, reason)
UPCOMING = (
    ("renee", "sample", 0, 9, "Cough for two weeks"),
    ("oliver", "sample", 0, 14, "Repeat prescription"),
    ("jordan", "sample", 3, 10, "Blood pressure review"),
    ("jordan", "nowak", 16, 11, "Heart check follow-up"),
    ("jose", "sample", 1, 9, "Diabetes review"),
    ("lukasz", "okafor", 2, 8, "Asthma review"),
    ("zoe", "herrera", 5, 14, "Eczema check"),
    ("maria", "nowak", 8, 9, "Heart rhythm review"),
    ("amelie", "sample", 1, 11, "Cholesterol results"),
    ("siobhan", "okafor", 6, 10, "Migraine follow-up"),
    ("aisha", "sample", 2, 15, "Travel vaccinations"),
    ("francois", "herrera", 9, 10, "Mole check"),
    ("bjorn", "nowak", 4, 14, "Chest pain on exertion"),
    ("priya", "okafor", 3, 12, "Annual check-up"),
    ("grace", "sample", 10, 9, "Knee pain"),
)


def upcoming_seed(clinic: DemoClinic) -> str:
    # Today's are later today if the doctor has hours left, else on a later day.
    soonest = clock.now() + timedelta(minutes=30)
    for patient, doctor, days, hour, reason in UPCOMING:
        appointment_book(
            actor=clinic.patient(patient),
            audit=clinic.audit,
            provider_id=clinic.sub_of_doctor(doctor),
            start=clinic.slot(doctor, days_from_today=days, hour=hour, after=soonest),
            reason=reason,
            appointment_id=fixed_id("upcoming", patient, doctor, str(days)),
        )
    return f"{len(UPCOMING)} upcoming appointments"
