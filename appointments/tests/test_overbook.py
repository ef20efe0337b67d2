"""An admin overbooks a taken time in the Django admin, with a stated reason:
both appointments stand, each keeps its own locks, cancelling either leaves
the other's alone, and nobody but an admin can do it."""

from datetime import timedelta

import pytest

from appointments import repository
from appointments.booking.domain import SlotTaken
from appointments.booking.services import appointment_cancel, appointment_reschedule
from appointments.domain import new_booking_id
from appointments.overbook.domain import OverbookRefused
from appointments.overbook.services import appointment_overbook
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from appointments.tests.support import booked, locks, raw_mail_to
from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PAGE = "/admin/appointments/overbook/"


@pytest.fixture
def admin_client(client, doctor_hours):
    sign_in(client, doctor_hours.admin.email)
    return client


def _form(cast, **changes) -> dict:
    values = {
        "doctor_email": cast.doctor.email,
        "patient_email": cast.other_patient.email,
        "day": "2026-03-03",
        "start": "09:00",
        "visit_reason": "Results to discuss",
        "overbook_reason": "The doctor asked to see them before surgery",
        "appointment_id": new_booking_id(),
    }
    return {**values, **changes}


def _overbook(cast, person=None, **changes):
    data = _form(cast, **changes)
    return appointment_overbook(
        actor=as_actor(person or cast.admin),
        audit=NO_REQUEST,
        provider_email=data["doctor_email"],
        patient_email=data["patient_email"],
        start=TUESDAY_NINE,
        visit_reason=data["visit_reason"],
        overbook_reason=data["overbook_reason"],
        appointment_id=data["appointment_id"],
    )


def _errors(response, field):
    return response.context["form"].errors.get(field)


def test_an_admin_overbooks_a_taken_time_and_both_appointments_stand(admin_client, doctor_hours, local_stack):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment

    response = admin_client.post(PAGE, _form(cast))

    assert response.status_code == 200
    done = response.context["done"]
    assert done.appointment.overbooked and "Overbooked" in response.content.decode()
    stored = repository.get(done.appointment.appointment_id)
    assert stored.overbooked and stored.overbook_reason == "The doctor asked to see them before surgery"
    assert (stored.patient_id, stored.provider_id, stored.start) == (
        cast.other_patient.sub,
        cast.doctor.sub,
        TUESDAY_NINE,
    )
    assert sorted(a.appointment_id for a in booked()) == sorted([first.appointment_id, stored.appointment_id])
    held = locks()
    assert {lock for lock, holder in held.items() if holder == first.appointment_id} == set(first.lock_ids)
    overbooking_locks = {lock for lock, holder in held.items() if holder == stored.appointment_id}
    assert overbooking_locks == set(stored.lock_ids) and all(
        lock.startswith("patient#") for lock in overbooking_locks
    )
    assert len(overbooking_locks) == 6
    events, _ = audit_log.list_by("patientId", cast.other_patient.sub)
    assert [(e.action, e.outcome, e.user_id, e.detail["overbooked"]) for e in events] == [
        ("appointment.overbook", "allowed", cast.admin.sub, True)
    ]
    assert "surgery" not in str(events[0].detail) and "Results" not in str(events[0].detail)
    assert len(raw_mail_to(local_stack, cast.other_patient.email)) == 1


def test_cancelling_the_overbooking_leaves_the_first_appointment_holding_the_time(doctor_hours):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    overbooking = _overbook(cast).appointment

    appointment_cancel(
        actor=as_actor(cast.other_patient), audit=NO_REQUEST, appointment_id=overbooking.appointment_id
    )

    assert locks() == {lock: first.appointment_id for lock in first.lock_ids}
    with pytest.raises(SlotTaken):
        book(cast.other_patient, cast.doctor)


def test_cancelling_the_first_appointment_leaves_the_overbooking_in_place(doctor_hours):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    overbooking = _overbook(cast).appointment

    appointment_cancel(actor=as_actor(cast.patient), audit=NO_REQUEST, appointment_id=first.appointment_id)

    assert locks() == {lock: overbooking.appointment_id for lock in overbooking.lock_ids}
    assert [a.appointment_id for a in booked()] == [overbooking.appointment_id]


def test_a_free_time_is_booked_as_an_ordinary_appointment(doctor_hours):
    cast = doctor_hours

    done = _overbook(cast)

    assert not done.appointment.overbooked
    assert sum(lock.startswith("provider#") for lock in locks()) == 6
    with pytest.raises(SlotTaken):
        book(cast.patient, cast.doctor)
    events, _ = audit_log.list_by("patientId", cast.other_patient.sub)
    assert [(e.action, e.detail["overbooked"]) for e in events] == [("appointment.overbook", False)]


def test_patients_still_cannot_book_a_time_that_is_taken(doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    with pytest.raises(SlotTaken):
        book(cast.other_patient, cast.doctor)

    assert len(booked()) == 1


@pytest.mark.parametrize("who", ["patient", "doctor", "marketer"])
def test_it_refuses_anyone_but_an_admin(doctor_hours, who):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    with pytest.raises(OverbookRefused):
        _overbook(cast, person=getattr(cast, who))

    assert len(booked()) == 1
    events, _ = audit_log.list_by("action", "appointment.overbook")
    assert [(e.outcome, e.user_id) for e in events] == [("denied", getattr(cast, who).sub)]


def test_it_refuses_to_overbook_without_a_reason_and_books_nothing(admin_client, doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    response = admin_client.post(PAGE, _form(cast, overbook_reason="   "))

    assert response.status_code == 200
    assert _errors(response, "overbook_reason") == [
        "Say why the doctor must see this patient at a time already taken."
    ]
    assert (
        'aria-describedby="id_overbook_reason_helptext id_overbook_reason_error"' in response.content.decode()
    )
    assert len(booked()) == 1


def test_it_refuses_a_patient_who_already_has_an_appointment_then(admin_client, doctor_hours):
    cast = doctor_hours
    book(cast.other_patient, cast.other_doctor)

    response = admin_client.post(PAGE, _form(cast))

    assert _errors(response, "start") == ["The patient already has an appointment at that time."]
    assert len(booked()) == 1


def test_a_patient_who_holds_the_time_themselves_is_busy_not_overbooked(admin_client, doctor_hours):
    cast = doctor_hours
    book(cast.other_patient, cast.doctor)  # the doctor's and the patient's locks both refuse it

    response = admin_client.post(PAGE, _form(cast))

    assert _errors(response, "start") == ["The patient already has an appointment at that time."]
    assert len(booked()) == 1


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"doctor_email": "nobody@example.com"}, "doctor_email", "No doctor signs in with this email."),
        ({"patient_email": "nobody@example.com"}, "patient_email", "No patient record has this email."),
        ({"start": "09:10"}, "start", "They start at 09:00, 09:30, 10:00, 10:30, 11:00, 11:30."),
        (
            {"day": "2026-03-07"},
            "start",
            "The doctor sees no patients on that date. Choose a date they work.",
        ),
        ({"day": "2026-03-01"}, "day", "That time has already passed. Choose a later one."),
        (
            {"day": "2026-03-08", "start": "02:30"},
            "start",
            "The clocks skip that time on that date. Choose another time.",
        ),
    ],
)
def test_it_ties_each_refusal_to_its_field_and_books_nothing(
    admin_client, doctor_hours, changes, field, message
):
    response = admin_client.post(PAGE, _form(doctor_hours, **changes))

    assert response.status_code == 200
    assert message in " ".join(_errors(response, field))
    assert booked() == []


def test_sending_the_same_form_twice_overbooks_once(admin_client, doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    form = _form(cast)

    first = admin_client.post(PAGE, form).context["done"]
    again = admin_client.post(PAGE, form).context["done"]

    assert again.appointment.appointment_id == first.appointment.appointment_id
    assert len(booked()) == 2


def test_the_admin_index_links_the_overbook_page(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert f'href="{PAGE}"' in page and "Overbook a time" in page


def test_an_overbooking_costs_two_lookups_a_batch_read_and_two_transactions(doctor_hours, dynamodb_calls):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    dynamodb_calls.clear()

    _overbook(cast)

    # the two emails through their EmailIndex; availability, doctor, patient,
    # care-team link and audit head in one batch; the ordinary booking the
    # doctor's locks refuse, then the overbooking
    assert dynamodb_calls == {"Query": 2, "BatchGetItem": 1, "TransactWriteItems": 2}


def test_moving_an_overbooked_appointment_to_a_free_time_holds_that_time_like_any_booking(doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    overbooking = _overbook(cast).appointment
    later = TUESDAY_NINE + timedelta(hours=1)

    moved = appointment_reschedule(
        actor=as_actor(cast.other_patient),
        audit=NO_REQUEST,
        appointment_id=overbooking.appointment_id,
        start=later,
        expected_version=overbooking.version,
    ).appointment

    stored = repository.get(moved.appointment_id)
    assert not stored.overbooked and stored.start == later
    held = {lock for lock, holder in locks().items() if holder == moved.appointment_id}
    assert held == set(stored.lock_ids) and sum(lock.startswith("provider#") for lock in held) == 6
