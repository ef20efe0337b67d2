"""Visit types and locations: kept by the admin in the Django admin (in
DynamoDB), a doctor's hours per location, the patient choosing both and
offered only slots long enough there, the booking list naming only
specialties someone can be booked in, and the place (with address and
phone) in the emails, the calendar file and the appointment page; a video
visit's join link only on the two people's pages."""

import re
from datetime import time, timedelta

import pytest
from icalendar import Calendar

from appointments.booking.services import appointment_book
from appointments.choices.selectors import choices_get
from appointments.domain import TOO_SHORT, WRONG_PLACE, SlotRefused, WeeklyRule, new_booking_id
from appointments.tests.conftest import TUESDAY_NINE, WEEKDAYS, as_actor, set_hours
from appointments.tests.support import raw_mail_to
from medisecure.identity.actors import NO_REQUEST
from tests.support import sign_in

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"name": "New patient visit", "minutes": "60", "specialties": ["Family medicine"]}
FOLLOW_UP = {"name": "Follow-up", "minutes": "30", "specialties": ["Family medicine"], "telehealth": "on"}


def _admin_saves(client, path: str, values: dict):
    page = client.get(path).content.decode()
    choice_id = re.search(r'name="choice_id" value="([0-9a-f]+)"', page).group(1)
    response = client.post(path, {"choice_id": choice_id, "version": "0", **values})
    assert response.status_code == 302, response.content.decode()
    return choice_id


@pytest.fixture
def clinic(client, cast, clinic_clock):
    """Two visit types and two locations, added by the admin in the admin
    pages; the doctor works mornings downtown and Thursday at the north site."""
    sign_in(client, cast.admin.email)
    ids = {
        "new": _admin_saves(client, "/admin/appointments/visit-types/new/", NEW_PATIENT),
        "follow": _admin_saves(client, "/admin/appointments/visit-types/new/", FOLLOW_UP),
        "downtown": _admin_saves(
            client,
            "/admin/appointments/locations/new/",
            {"name": "Downtown", "address": "12 High Street", "phone": "(555) 222-0100"},
        ),
        "north": _admin_saves(
            client,
            "/admin/appointments/locations/new/",
            {"name": "North site", "address": "4 Hill Road", "phone": "(555) 333-0100"},
        ),
    }
    client.logout()
    rules = [
        WeeklyRule(day, time(9), time(12), 30, location_id=ids["downtown"]) for day in WEEKDAYS if day != 3
    ]
    rules.append(WeeklyRule(3, time(9), time(12), 30, location_id=ids["north"]))
    set_hours(cast.doctor, *rules)
    return ids


def test_the_admin_keeps_visit_types_and_locations_in_the_admin(client, cast, clinic):
    choices = choices_get()
    assert [(v.name, v.minutes, v.telehealth) for v in choices.visit_types] == [
        ("Follow-up", 30, True),
        ("New patient visit", 60, False),
    ]
    assert [loc.name for loc in choices.locations] == ["Downtown", "North site"]
    sign_in(client, cast.admin.email)
    listing = client.get("/admin/appointments/choices/").content.decode()
    assert "New patient visit" in listing and "12 High Street" in listing
    refused = client.post(
        "/admin/appointments/locations/new/",
        {"choice_id": "a" * 32, "version": "0", "name": "X", "address": "", "phone": ""},
    )
    assert refused.status_code == 200 and len(choices_get().locations) == 2


def test_the_booking_list_names_only_specialties_someone_can_be_booked_in(client, cast, clinic):
    sign_in(client, cast.patient.email)

    page = client.get("/patient/appointments/book/").content.decode()

    assert '<option value="Family medicine"' in page
    assert '<option value="Dermatology"' not in page


def test_the_patient_sees_only_slots_long_enough_for_the_visit_at_the_place_chosen(client, cast, clinic):
    sign_in(client, cast.patient.email)
    base = {"specialty": "Family medicine", "doctor": cast.doctor.sub}

    follow_up = client.get(
        "/patient/appointments/book/",
        {**base, "visit_type": clinic["follow"], "location": clinic["downtown"]},
    ).content.decode()
    new_visit = client.get(
        "/patient/appointments/book/", {**base, "visit_type": clinic["new"], "location": clinic["downtown"]}
    ).content.decode()
    north = client.get(
        "/patient/appointments/book/", {**base, "visit_type": clinic["follow"], "location": clinic["north"]}
    ).content.decode()

    assert "start=2026-03-03T14:00:00Z" in follow_up  # Tuesday, downtown
    assert "start=2026-03-05T14:00:00Z" not in follow_up  # Thursday is at the north site
    assert "start=2026-03-05T14:00:00Z" in north and "start=2026-03-03T14:00:00Z" not in north
    assert "start=" not in new_visit  # an hour does not fit in 30-minute slots
    assert "Choose the kind of visit" in client.get("/patient/appointments/book/", base).content.decode()


def test_a_typed_visit_at_a_place_names_it_everywhere_in_two_round_trips(
    client, cast, clinic, local_stack, dynamodb_calls
):
    dynamodb_calls.clear()
    booked = appointment_book(
        actor=as_actor(cast.patient),
        audit=NO_REQUEST,
        provider_id=cast.doctor.sub,
        start=TUESDAY_NINE,
        reason="Knee",
        appointment_id=new_booking_id(),
        visit_type_id=clinic["follow"],
        location_id=clinic["downtown"],
    ).appointment

    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert (booked.visit_type_name, booked.location_name, booked.telehealth) == (
        "Follow-up",
        "Downtown",
        True,
    )
    [message] = raw_mail_to(local_stack, cast.patient.email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "(555) 222-0100" in text and "Follow-up" in text
    assert "video.medisecure.test" not in message.as_string()  # the join link is never emailed
    [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["LOCATION"]) == "Video visit (MediSecure Clinic)"
    sign_in(client, cast.patient.email)
    page = client.get(f"/patient/appointments/{booked.appointment_id}/").content.decode()
    assert "12 High Street" in page and "(555) 222-0100" in page
    assert f"https://video.medisecure.test/visit/{booked.appointment_id}" in page
    client.logout()
    sign_in(client, cast.other_patient.email)
    assert client.get(f"/patient/appointments/{booked.appointment_id}/").status_code == 404


def test_an_in_person_visit_calendar_names_the_address(cast, clinic, local_stack):
    appointment_book(
        actor=as_actor(cast.patient),
        audit=NO_REQUEST,
        provider_id=cast.doctor.sub,
        start=TUESDAY_NINE + timedelta(days=2),  # Thursday, north site
        reason="Knee",
        appointment_id=new_booking_id(),
        location_id=clinic["north"],
    )
    [message] = raw_mail_to(local_stack, cast.patient.email)
    [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["LOCATION"]) == "North site, 4 Hill Road"


def test_a_slot_at_another_place_or_too_short_is_refused(cast, clinic):
    for visit_type, location, problem in (
        (clinic["new"], clinic["downtown"], TOO_SHORT),
        (clinic["follow"], clinic["north"], WRONG_PLACE),
    ):
        with pytest.raises(SlotRefused) as refused:
            appointment_book(
                actor=as_actor(cast.patient),
                audit=NO_REQUEST,
                provider_id=cast.doctor.sub,
                start=TUESDAY_NINE,
                reason="Knee",
                appointment_id=new_booking_id(),
                visit_type_id=visit_type,
                location_id=location,
            )
        assert refused.value.problem == problem
