"""The projectors turn a month of sign-ups, accounts and appointments, read
from the tables' own streams, into exactly the counters it should: a status
change or a move shifts a count rather than adding one, and a stream record
handed over again counts nothing."""

from __future__ import annotations

import pytest

from analytics import repository
from analytics.domain import appointment_cells, moves
from analytics.handlers import project_appointments
from analytics.tests.support import A_MONTH, a_month, appointment, at, consumers, counters, project
from medisecure import clock
from medisecure.streams import StreamRecord

pytestmark = pytest.mark.django_db


def test_a_month_of_signups_and_appointments_makes_exactly_the_expected_counters(aws):
    a_month()

    project()

    assert counters() == A_MONTH


def test_the_same_stream_records_handed_over_again_change_nothing(aws):
    a_month()
    project()

    # Fresh checkpoints: every record of every stream is handed over a second time.
    project(name="analytics-again")

    assert counters() == A_MONTH


def test_a_batch_handed_over_twice_within_one_run_counts_once(aws):
    appointment("a1", "p1", created=at(2, 11), start=at(4, 10))
    (appointments,) = [each for each in consumers() if each.table.name == "appointments"]
    records = []
    appointments.handler = records.extend
    appointments.poll()

    project_appointments(records)
    project_appointments(records)

    assert repository.counters_between("appointments", "2026-W10", "2026-W10") == {"2026-W10#booked": 1}
    assert repository.counters_between("patients", "2026-W10", "2026-W10") == {"2026-W10#new": 1}


def test_a_batch_whose_first_half_counted_before_counts_only_its_second_half(aws):
    for number in range(4):
        appointment(f"a{number}", f"p{number}", created=at(2, 11), start=at(4, 10))
    (appointments,) = [each for each in consumers() if each.table.name == "appointments"]
    records = []
    appointments.handler = records.extend
    appointments.poll()

    project_appointments(records[:2])
    project_appointments(records)

    assert repository.counters_between("appointments", "2026-W10", "2026-W10") == {"2026-W10#booked": 4}
    assert repository.counters_between("patients", "2026-W10", "2026-W10") == {"2026-W10#new": 4}


def test_a_cancellation_adds_one_cancelled_and_leaves_booked_and_drops_the_visits_hour():
    booked = {
        "status": "booked",
        "scheduledDateTime": at(4, 10),
        "createdAt": at(2, 11),
        "specialty": "Cardiology",
    }

    moved = moves(appointment_cells(booked), appointment_cells({**booked, "status": "cancelled"}))

    assert moved == {
        ("appointments", "2026-W10#cancelled"): 1,
        ("specialty", "2026-W10#Cardiology#cancelled"): 1,
        ("visit-type", "2026-W10#Other#cancelled"): 1,
        ("weekday", "2026-W10#3"): -1,
        ("hour", "2026-W10#10"): -1,
    }


def test_a_completed_visit_corrected_to_missed_moves_its_count():
    completed = {"status": "completed", "scheduledDateTime": at(4, 10), "visitTypeName": "Check-up"}

    moved = moves(appointment_cells(completed), appointment_cells({**completed, "status": "no_show"}))

    assert moved[("appointments", "2026-W10#completed")] == -1
    assert moved[("appointments", "2026-W10#no_show")] == 1
    assert ("appointments", "2026-W10#booked") not in moved


def test_a_removed_item_counts_nothing(aws):
    project_appointments(
        [
            StreamRecord(
                event_name="REMOVE",
                sequence_number="1",
                keys={"appointmentId": "a"},
                new_image=None,
                old_image={"status": "booked", "scheduledDateTime": at(4, 10)},
                created_at=clock.now(),
            )
        ]
    )

    assert counters() == {}
