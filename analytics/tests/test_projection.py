"""The projector counts each booking and its outcome once, however often its
stream record is handed over; the dashboard shows small counts as '<11'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics import repository
from analytics.domain import APPOINTMENTS_ALL, appointment_increments, iso_week, suppressed
from analytics.handlers import project_appointments
from medisecure.streams import StreamRecord

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _record(sequence: str, event: str, new: dict | None, old: dict | None = None) -> StreamRecord:
    return StreamRecord(
        event_name=event,
        sequence_number=sequence,
        keys={"appointmentId": "a"},
        new_image=new,
        old_image=old,
        created_at=MONDAY,
    )


def _appointment(status: str) -> dict:
    return {"appointmentId": "a", "status": status, "scheduledDateTime": "2026-03-02T15:00:00.000000Z"}


def test_a_booking_then_its_cancellation_counts_one_booked_and_one_cancelled(aws):
    week = iso_week(MONDAY)
    project_appointments(
        [
            _record("1", "INSERT", _appointment("booked")),
            _record("2", "MODIFY", _appointment("cancelled"), _appointment("booked")),
        ]
    )

    counters = repository.counters_between(APPOINTMENTS_ALL, week, week)

    assert counters == {f"{week}#booked": 1, f"{week}#cancelled": 1}


def test_a_record_handed_over_twice_counts_once(aws):
    week = iso_week(MONDAY)
    batch = [_record("10", "INSERT", _appointment("booked")), _record("11", "INSERT", _appointment("booked"))]

    project_appointments(batch)
    project_appointments(batch)

    assert repository.counters_between(APPOINTMENTS_ALL, week, week) == {f"{week}#booked": 2}


def test_a_change_that_keeps_the_status_counts_nothing():
    assert appointment_increments("MODIFY", _appointment("booked"), _appointment("booked")) == []
    assert appointment_increments("REMOVE", None, _appointment("booked")) == []


def test_a_count_under_eleven_is_shown_only_as_fewer_than_eleven():
    assert suppressed(10) == "<11"
    assert suppressed(0) == "<11"
    assert suppressed(11) == "11"


def test_the_dashboard_shows_a_cell_of_ten_as_fewer_than_eleven(aws, client, cast):
    from medisecure import clock
    from tests.support import sign_in

    now = clock.now()
    project_appointments(
        [
            _record(
                str(100 + n),
                "INSERT",
                {"appointmentId": f"a{n}", "status": "booked", "scheduledDateTime": clock.stamp(now)},
            )
            for n in range(10)
        ]
    )
    sign_in(client, cast.marketer.email)

    page = client.get("/marketing/analytics/").content.decode()

    assert "<td>&lt;11</td>" in page
    assert "<td>10</td>" not in page
