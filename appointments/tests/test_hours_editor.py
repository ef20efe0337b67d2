"""The doctor's week in one screen: a normal week in one save, Monday copied
to the weekdays without JavaScript, days off added a row at a time, and a
preview of the next two weeks that is exactly what the booking page then
offers, across the change to daylight saving time."""

import re
from datetime import time

import pytest

from appointments.availability.selectors import availability_get
from appointments.domain import Break
from tests.support import sign_in

pytestmark = pytest.mark.django_db

URL = "/doctor/availability/"


def _week(*weekdays, start="09:00", end="17:00", slot="30", breaks="12:00-13:00") -> dict:
    values = {"version": "0", "action": "save"}
    for prefix in ("days_off", "extra_hours"):
        values.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    for weekday in weekdays:
        values.update(
            {
                f"day{weekday}-works": "on",
                f"day{weekday}-start": start,
                f"day{weekday}-end": end,
                f"day{weekday}-slot_minutes": slot,
                f"day{weekday}-breaks": breaks,
            }
        )
    return values


def test_monday_to_friday_with_lunch_is_one_save(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)
    page = client.get(URL).content.decode()
    assert 'name="days_off-TOTAL_FORMS" value="0"' in page  # no blank rows waiting
    assert "Delete (optional)" not in page

    response = client.post(URL, _week(0, 1, 2, 3, 4))

    assert response.status_code == 302
    saved = availability_get(provider_id=cast.doctor.sub)
    assert saved.version == 1
    assert [rule.weekday for rule in saved.rules] == [0, 1, 2, 3, 4]
    lunch = (Break(time(12), time(13)),)
    assert {(r.start, r.end, r.slot_minutes, r.breaks) for r in saved.rules} == {
        (time(9), time(17), 30, lunch)
    }


def test_copy_monday_fills_the_weekdays_and_saves_nothing_until_saved(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)

    copied = client.post(
        URL, {**_week(0, start="08:30", end="16:00", breaks="12:00-12:30"), "action": "copy_monday"}
    )

    page = copied.content.decode()
    assert copied.status_code == 200 and "copied to Tuesday to Friday" in page
    for weekday in range(1, 5):
        assert f'name="day{weekday}-start" value="08:30"' in page
        assert re.search(rf'name="day{weekday}-works"[^>]*checked', page)
    assert not re.search(r'name="day5-works"[^>]*checked', page)
    assert availability_get(provider_id=cast.doctor.sub).version == 0


def test_a_day_off_is_added_a_row_at_a_time_and_saved(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)

    added = client.post(URL, {**_week(0), "action": "add_day_off"}).content.decode()

    assert 'name="days_off-TOTAL_FORMS" value="1"' in added and 'name="days_off-0-day"' in added
    assert availability_get(provider_id=cast.doctor.sub).version == 0
    saved = client.post(URL, {**_week(0), "days_off-TOTAL_FORMS": "1", "days_off-0-day": "2026-03-09"})
    assert saved.status_code == 302
    assert [day.isoformat() for day in availability_get(provider_id=cast.doctor.sub).days_off] == [
        "2026-03-09"
    ]


def _offered_on_booking_page(client, doctor_id: str) -> list[str]:
    starts = []
    for week in (0, 1):
        page = client.get(
            "/patient/appointments/book/", {"specialty": "Family medicine", "doctor": doctor_id, "week": week}
        ).content.decode()
        starts += re.findall(r"start=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", page)
    return starts


def test_the_preview_is_what_booking_then_offers_across_the_change_to_summer_time(
    client, cast, clinic_clock, dynamodb_calls
):
    # The clinic clock stands on Monday 2 March 2026, 07:00 in New York;
    # clocks go forward on Sunday 8 March, inside the two weeks.
    sign_in(client, cast.doctor.email)
    week = {**_week(0, 1, 2, 3, 4), "days_off-TOTAL_FORMS": "1", "days_off-0-day": "2026-03-11"}
    dynamodb_calls.clear()

    preview_page = client.post(URL, {**week, "action": "preview"}).content.decode()

    assert availability_get(provider_id=cast.doctor.sub).version == 0  # a preview saves nothing
    previewed = re.findall(r'<time datetime="([^"]+)"', preview_page)
    assert "2026-03-02T14:00:00Z" in previewed  # Monday 9:00 EST
    assert "2026-03-09T13:00:00Z" in previewed  # Monday 9:00 EDT
    assert "2026-03-02T17:00:00Z" not in previewed  # lunch
    assert not [start for start in previewed if start.startswith("2026-03-11")]  # the day off
    assert client.post(URL, week).status_code == 302
    client.logout()
    sign_in(client, cast.patient.email)

    assert _offered_on_booking_page(client, cast.doctor.sub) == previewed
