"""No double booking under contention: many threads call the booking and
rescheduling services at once against the local stack, and DynamoDB's
conditional transactions decide who wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta

import pytest

from appointments import repository
from appointments.availability import repository as availability_repository
from appointments.booking.domain import SlotTaken
from appointments.booking.services import appointment_reschedule
from appointments.domain import Availability, ExtraHours, WeeklyRule
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from appointments.tests.support import appointments, booked, locks
from audit.services import audit_event_add
from medisecure.identity.actors import NO_REQUEST
from medisecure.unit_of_work import Transaction

pytestmark = pytest.mark.django_db

THREADS = 50


def race(*attempts):
    """Run every attempt at once (as near as threads get); each returns
    "won" or "taken", or raises."""
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        barrier.wait()
        try:
            attempt()
        except SlotTaken:
            return "taken"
        return "won"

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return [future.result() for future in [pool.submit(run, attempt) for attempt in attempts]]


def _patients(cast):
    return [cast.patient, cast.other_patient]


def test_fifty_bookings_of_one_slot_leave_one_appointment_and_one_set_of_locks(doctor_hours):
    cast = doctor_hours
    people = _patients(cast)

    outcomes = race(*[lambda person=people[n % 2]: book(person, cast.doctor) for n in range(THREADS)])

    assert sorted(outcomes) == ["taken"] * (THREADS - 1) + ["won"]
    [winner] = appointments()
    assert set(locks().values()) == {winner.appointment_id}
    assert sorted(locks()) == sorted(winner.lock_ids) and len(winner.lock_ids) == 12


def test_a_patient_booking_two_doctors_at_the_same_time_gets_one(doctor_hours):
    cast = doctor_hours
    doctors = [cast.doctor, cast.other_doctor]

    outcomes = race(*[lambda doctor=doctors[n % 2]: book(cast.patient, doctor) for n in range(THREADS)])

    assert sorted(outcomes) == ["taken"] * (THREADS - 1) + ["won"]
    [winner] = appointments()
    assert sorted(locks()) == sorted(winner.lock_ids)


def _overlapping_lengths(doctor):
    """Hours that offer slots of different lengths over the same time: an
    hour-long slot at 09:00 and quarter-hour slots within it. The form refuses
    such hours; they are stored directly here, as a doctor's changed slot
    length leaves old bookings on the old grid."""
    availability = Availability(
        provider_id=doctor.sub,
        rules=(WeeklyRule(1, time(9), time(10), 60),),
        extra_hours=(ExtraHours(date(2026, 3, 3), time(9, 15), time(10), 15),),
        version=1,
    )
    tx = Transaction()
    availability_repository.availability_save_add(tx, availability, expected_version=0)
    audit_event_add(tx, actor=as_actor(doctor), audit=NO_REQUEST, action="availability.update")
    tx.commit()


def test_overlapping_slots_of_different_lengths_are_booked_once(cast, clinic_clock):
    _overlapping_lengths(cast.doctor)
    people = _patients(cast)
    # 09:00-10:00 and 09:30-09:45 share the units from 09:30.
    starts = [TUESDAY_NINE, TUESDAY_NINE + timedelta(minutes=30)]

    outcomes = race(
        *[
            lambda person=people[n % 2], start=starts[n % 2]: book(person, cast.doctor, start)
            for n in range(THREADS)
        ]
    )

    assert sorted(outcomes) == ["taken"] * (THREADS - 1) + ["won"]
    [winner] = appointments()
    assert winner.start in starts
    assert sorted(locks()) == sorted(winner.lock_ids)


def test_a_reschedule_racing_a_booking_for_its_target_leaves_one_owner_and_never_loses_both(doctor_hours):
    cast = doctor_hours
    for round_number in range(6):
        old = TUESDAY_NINE + timedelta(days=round_number)  # Tuesday to the next Monday
        if old.weekday() >= 5:
            continue
        target = old + timedelta(hours=1)
        moving = book(cast.patient, cast.doctor, old).appointment

        def move():
            appointment_reschedule(
                actor=as_actor(cast.patient),
                audit=NO_REQUEST,
                appointment_id=moving.appointment_id,
                start=target,
                expected_version=moving.version,
            )

        outcomes = race(move, lambda: book(cast.other_patient, cast.doctor, target))

        assert sorted(outcomes) == ["taken", "won"]
        at_target = [a for a in booked() if a.start == target]
        assert len(at_target) == 1
        mine = repository.get(moving.appointment_id)
        held = locks()
        if at_target[0].appointment_id == moving.appointment_id:
            # the move won: the old time is free again
            assert not any(old.strftime("%Y-%m-%dT%H:%M") in lock for lock in held)
        else:
            # the booking won: the patient keeps the old time and its locks
            assert mine.start == old
            assert {lock for lock, holder in held.items() if holder == mine.appointment_id} == set(
                mine.lock_ids
            )
        assert set(held.values()) <= {a.appointment_id for a in booked()}
