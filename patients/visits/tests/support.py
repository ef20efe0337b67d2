"""A completed visit as the clinic makes one: the patient books, the doctor
sees them, marks the appointment completed and writes the visit's entries
(the clock moved to the visit)."""

from __future__ import annotations

from datetime import timedelta

from appointments.booking.domain import SlotTaken
from appointments.booking.services import appointment_book
from appointments.domain import COMPLETED, Appointment, new_booking_id
from appointments.schedules.services import appointment_doctor_update
from medisecure import clinic_time, clock
from medisecure.identity.actors import NO_REQUEST
from patients.records import services as records
from patients.tests.records_support import actor

VISIT_NOTE = {
    "subjective": "Headaches in the mornings",
    "objective": "Blood pressure raised",
    "assessment": "High blood pressure",
    "plan": "Start lisinopril and walk daily",
    "follow_up": "Come back in two weeks for a blood pressure check",
}
VITALS = {"systolic": "152", "diastolic": "97", "heart_rate": "86", "weight": "92.4", "weight_unit": "kg"}


def completed_visit(cast, *, patient=None, doctor=None, entries: bool = True) -> Appointment:
    """An appointment of the cast's patient with the cast's doctor, seen and
    marked completed, with a note, vitals, a medicine started and one
    stopped (unless `entries` is False)."""
    patient, doctor = patient or cast.patient, doctor or cast.doctor
    booked = _book(patient, doctor)
    with clock.shifted_to(booked.start + timedelta(minutes=20)):
        done = appointment_doctor_update(
            actor=actor(doctor), audit=NO_REQUEST, appointment_id=booked.appointment_id, status=COMPLETED
        ).appointment
        if entries:
            day = clinic_time.in_clinic(clock.now()).date().isoformat()
            for kind, values in (
                ("note", VISIT_NOTE),
                ("vitals", VITALS),
                ("medication", {"name": "Lisinopril", "dose": "10 mg", "frequency": "Daily", "start": day}),
                (
                    "medication",
                    {
                        "name": "Ibuprofen",
                        "dose": "400 mg",
                        "frequency": "When needed",
                        "start": "2025-01-02",
                        "stop": day,
                    },
                ),
            ):
                records.chart_entry_add(
                    actor=actor(doctor), audit=NO_REQUEST, patient_id=patient.sub, kind=kind, values=values
                )
    return done


def _book(patient, doctor) -> Appointment:
    """The first free time that can still be booked: a completed visit
    frees its time on the grid but keeps its locks, so the grid's first
    free slot may be one a completed visit still holds."""
    from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
    from tests.forms_appointments import open_every_day

    for slot in open_every_day(doctor):
        try:
            return appointment_book(
                actor=actor(patient),
                audit=NO_REQUEST,
                provider_id=doctor.sub,
                start=slot.start,
                reason="Baseline visit",
                appointment_id=new_booking_id(),
            ).appointment
        except SlotTaken:
            continue
    raise AssertionError("no free time left to book a visit")
