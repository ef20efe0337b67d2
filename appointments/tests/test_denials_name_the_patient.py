"""A refused action on someone's appointment names that appointment's
patient (issue 16 §5): another patient's cancel or reschedule, another
doctor's complete, no-show or cancel appear on the patient's own access
page; an id that names no appointment names no one."""

import pytest

from appointments.booking.services import appointment_cancel, appointment_reschedule
from appointments.domain import AppointmentNotFound
from appointments.schedules.services import appointment_doctor_update
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST

pytestmark = pytest.mark.django_db


def _denials_for(patient_id: str) -> list[tuple[str, str]]:
    events, _ = audit_log.list_by("patientId", patient_id, limit=100)
    return sorted((event.action, event.user_id) for event in events if event.outcome == "denied")


def test_refused_actions_on_an_appointment_carry_its_patient(doctor_hours):
    cast = doctor_hours
    booked = book(cast.patient, cast.doctor).appointment
    attempts = [
        (
            cast.other_patient,
            lambda actor: appointment_cancel(
                actor=actor, audit=NO_REQUEST, appointment_id=booked.appointment_id
            ),
        ),
        (
            cast.other_patient,
            lambda actor: appointment_reschedule(
                actor=actor,
                audit=NO_REQUEST,
                appointment_id=booked.appointment_id,
                start=TUESDAY_NINE,
                expected_version=1,
            ),
        ),
    ] + [
        (
            cast.other_doctor,
            lambda actor, status=status: appointment_doctor_update(
                actor=actor, audit=NO_REQUEST, appointment_id=booked.appointment_id, status=status, reason="x"
            ),
        )
        for status in ("completed", "no_show", "cancelled")
    ]
    for person, attempt in attempts:
        with pytest.raises(AppointmentNotFound):
            attempt(as_actor(person))

    denied = _denials_for(cast.patient.sub)
    assert len(denied) == 5
    assert {user for _, user in denied} == {cast.other_patient.sub, cast.other_doctor.sub}


def test_a_refused_action_on_no_appointment_names_no_patient(doctor_hours):
    cast = doctor_hours
    with pytest.raises(AppointmentNotFound):
        appointment_cancel(
            actor=as_actor(cast.other_patient), audit=NO_REQUEST, appointment_id="AP-0000-0000-0000"
        )
    events, _ = audit_log.list_by("userId", cast.other_patient.sub, limit=20)
    [refusal] = [event for event in events if event.outcome == "denied"]
    assert refusal.patient_id == ""
