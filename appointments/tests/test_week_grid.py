"""The doctor's week (and day) as a time grid: rows by time, a column per
day, appointments as blocks naming the patient and status, open slots
shown; no JavaScript, a day list for phones, at most three round trips."""

from datetime import date, datetime, timedelta

import pytest

from appointments.clinic import clinic_zone
from appointments.domain import BOOKED, CANCELLED, Appointment, Slot
from appointments.schedules.grid import week_grid
from appointments.tests.conftest import TUESDAY_NINE, book
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _appointment(start: datetime, minutes: int, status: str = BOOKED, name: str = "A") -> Appointment:
    return Appointment(
        appointment_id=name * 32,
        patient_id="p",
        provider_id="d",
        start=start,
        end=start + timedelta(minutes=minutes),
        reason="",
        status=status,
        created_at="",
        patient_name=name,
    )


def test_a_block_spans_the_rows_it_covers_and_overlaps_share_a_cell(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    zone = clinic_zone()
    monday, tuesday = date(2026, 3, 2), date(2026, 3, 3)
    long_visit = _appointment(TUESDAY_NINE, 60, name="L")
    cancelled = _appointment(TUESDAY_NINE + timedelta(hours=2), 30, CANCELLED, name="C")
    freed = Slot(cancelled.start, cancelled.end, "d")
    later = Slot(TUESDAY_NINE + timedelta(minutes=90), TUESDAY_NINE + timedelta(minutes=120), "d")

    grid = week_grid([monday, tuesday], [long_visit, cancelled], [later, freed], zone)

    assert grid.step_minutes == 30
    labels = [row.at.strftime("%H:%M") for row in grid.rows]
    assert labels[0] == "09:00" and labels[-1] == "11:30"
    nine = grid.rows[0].cells
    assert nine[0].items == () and not nine[0].covered  # Monday: nothing
    assert [item.appointment for item in nine[1].items] == [long_visit] and nine[1].rowspan == 2
    assert grid.rows[1].cells[1].covered
    eleven = grid.rows[labels.index("11:00")].cells[1]
    assert [item.is_open for item in eleven.items] == [False, True]  # the cancelled visit and its freed slot
    assert [len(items) for _, items in grid.by_day] == [0, 4]


def test_the_week_grid_shows_blocks_and_open_slots_in_three_round_trips(client, doctor_hours, dynamodb_calls):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(days=1))
    sign_in(client, cast.doctor.email)
    dynamodb_calls.clear()

    response = client.get("/doctor/", {"view": "week", "start": "2026-03-02"})

    assert sum(dynamodb_calls.values()) <= 3
    page = response.content.decode()
    grid = page[
        page.index('<table class="week-grid') : page.index("</table>", page.index('<table class="week-grid'))
    ]
    assert grid.count('<th scope="col">') == 8  # the time column and Monday to Sunday
    assert "Mon 2 Mar 2026" in grid and "Sun 8 Mar 2026" in grid
    assert "Jordan" in grid and "Booked" in grid
    assert f'href="/doctor/patients/{first.patient_id}/"' in grid
    assert grid.count(">Open<") >= 20  # weekday mornings less the two booked and the past
    assert 'class="grid-day-list"' in page  # what a phone shows
    # Readable without JavaScript: nothing scripted in the grid, and the page's
    # only script is the site's own deferred file (the error-summary focus).
    assert "<script" not in grid
    assert page.count("<script") == page.count('<script src="/static/js/portal.js" defer></script>') == 1


def test_the_day_grid_is_one_column(client, doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    sign_in(client, cast.doctor.email)

    page = client.get("/doctor/", {"start": "2026-03-03"}).content.decode()

    grid = page[
        page.index('<table class="week-grid') : page.index("</table>", page.index('<table class="week-grid'))
    ]
    assert grid.count('<th scope="col">') == 2
    assert grid.count(">Open<") == 5  # 09:00 to 12:00 in 30 minutes, less the one booked
