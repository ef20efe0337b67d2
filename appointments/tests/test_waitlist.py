"""The waitlist: a full doctor's patients wait in the order they joined; a
cancel holds the freed slot for the first of them only, for 15 minutes, on
the slot's own lock items; a hold that runs out passes to the next; and
however many claim one freed slot at once, exactly one appointment is made."""

import itertools
import threading
from datetime import date, time, timedelta

import pytest

from appointments.booking.domain import SlotTaken
from appointments.booking.services import appointment_book, appointment_cancel
from appointments.domain import ExtraHours, new_booking_id
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book, set_hours
from appointments.tests.support import booked, locks
from appointments.waitlist.domain import AlreadyWaiting, HoldGone, TimesAreFree
from appointments.waitlist.services import hold_claim, waitlist_holds_expire, waitlist_join
from medisecure.identity.actors import NO_REQUEST, Actor
from patients import repository as patients
from patients.domain import Patient
from tests.support import in_parallel, mail_to, sign_in

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _patient() -> Actor:
    number = next(_numbers)
    patient_id = f"waiting-patient-{number}-{new_booking_id()[:8]}"
    patients.add(
        Patient(
            patient_id=patient_id,
            email=f"waiting{number}@medisecure.test",
            given_name="Wait",
            family_name=f"Er{number}",
            date_of_birth="1990-01-01",
        )
    )
    return Actor(user_id=patient_id, role="patient")


@pytest.fixture
def full_week(cast, clinic_clock):
    """The doctor sees patients on Tuesday 3 March 09:00-10:00 only, and both
    times are booked: their next two weeks are full."""
    set_hours(cast.doctor, extra_hours=(ExtraHours(date(2026, 3, 3), time(9), time(10), 30),))
    first, second = _patient(), _patient()
    nine = _book(first, cast, TUESDAY_NINE)
    _book(second, cast, TUESDAY_NINE + timedelta(minutes=30))
    return {"cast": cast, "nine": nine, "holder": first}


def _book(actor: Actor, cast, start):
    return appointment_book(
        actor=actor,
        audit=NO_REQUEST,
        provider_id=cast.doctor.sub,
        start=start,
        reason="Check-up",
        appointment_id=new_booking_id(),
    ).appointment


def _cancel_nine(full_week):
    appointment_cancel(
        actor=full_week["holder"], audit=NO_REQUEST, appointment_id=full_week["nine"].appointment_id
    )


def test_only_a_full_doctor_can_be_waited_for_once(cast, full_week):
    first = as_actor(cast.patient)
    waitlist_join(actor=first, audit=NO_REQUEST, provider_id=cast.doctor.sub)
    with pytest.raises(AlreadyWaiting):
        waitlist_join(actor=first, audit=NO_REQUEST, provider_id=cast.doctor.sub)
    set_hours(cast.other_doctor, extra_hours=(ExtraHours(date(2026, 3, 4), time(9), time(10), 30),))
    with pytest.raises(TimesAreFree):
        waitlist_join(actor=first, audit=NO_REQUEST, provider_id=cast.other_doctor.sub)


def _join_in_turn(cast, clinic_clock, *people):
    for person in people:
        waitlist_join(actor=as_actor(person), audit=NO_REQUEST, provider_id=cast.doctor.sub)
        clinic_clock.advance(minutes=1)


def test_a_cancel_offers_the_slot_to_the_first_waitlisted_patient_only(
    cast, full_week, clinic_clock, local_stack
):
    _join_in_turn(cast, clinic_clock, cast.patient, cast.other_patient)

    _cancel_nine(full_week)

    [offer] = [m for m in mail_to(local_stack, cast.patient.email) if "freed up" in m["subject"]]
    assert "/patient/waitlist/" in offer["body"] and "15 minutes" in offer["body"]
    assert not [m for m in mail_to(local_stack, cast.other_patient.email) if "freed up" in m["subject"]]
    held = {lock: owner for lock, owner in locks().items() if owner.startswith("hold-")}
    assert len(held) == 6  # the slot's own lock items: nobody else can book it
    with pytest.raises(SlotTaken):
        book(cast.other_patient, cast.doctor, TUESDAY_NINE)


def _hold_id(local_stack, email: str) -> str:
    [offer] = [m for m in mail_to(local_stack, email) if "freed up" in m["subject"]]
    return offer["body"].split("/patient/waitlist/")[1].split("/")[0]


def test_a_hold_that_expires_passes_to_the_next_patient(cast, full_week, clinic_clock, local_stack):
    _join_in_turn(cast, clinic_clock, cast.patient, cast.other_patient)
    _cancel_nine(full_week)
    first_hold = _hold_id(local_stack, cast.patient.email)

    clinic_clock.advance(minutes=16)
    assert waitlist_holds_expire() == 1

    second_hold = _hold_id(local_stack, cast.other_patient.email)
    with pytest.raises(HoldGone):
        hold_claim(actor=as_actor(cast.patient), audit=NO_REQUEST, hold_id=first_hold, reason="Knee")
    claimed = hold_claim(
        actor=as_actor(cast.other_patient), audit=NO_REQUEST, hold_id=second_hold, reason="Knee"
    )
    assert (
        claimed.appointment.start == TUESDAY_NINE and claimed.appointment.patient_id == cast.other_patient.sub
    )


def test_twenty_concurrent_claimants_of_one_freed_slot_make_exactly_one_appointment(
    cast, full_week, local_stack
):
    waitlist_join(actor=as_actor(cast.patient), audit=NO_REQUEST, provider_id=cast.doctor.sub)
    _cancel_nine(full_week)
    hold_id = _hold_id(local_stack, cast.patient.email)
    others = [_patient() for _ in range(10)]
    claimants = iter([("hold", as_actor(cast.patient))] * 10 + [("book", other) for other in others])
    lock = threading.Lock()

    def claim():
        with lock:
            how, actor = next(claimants)
        if how == "hold":
            return hold_claim(actor=actor, audit=NO_REQUEST, hold_id=hold_id, reason="Knee")
        return _book(actor, cast, TUESDAY_NINE)

    outcomes = in_parallel(claim, count=20)

    at_nine = [a for a in booked() if a.start == TUESDAY_NINE]
    assert len(at_nine) == 1 and at_nine[0].patient_id == cast.patient.sub
    assert len({o.appointment.appointment_id for o in outcomes if hasattr(o, "appointment")}) == 1


def test_the_held_time_is_booked_from_the_emailed_page_by_its_patient_only(
    client, cast, full_week, local_stack
):
    waitlist_join(actor=as_actor(cast.patient), audit=NO_REQUEST, provider_id=cast.doctor.sub)
    _cancel_nine(full_week)
    hold_id = _hold_id(local_stack, cast.patient.email)
    sign_in(client, cast.other_patient.email)
    assert client.get(f"/patient/waitlist/{hold_id}/").status_code == 404
    client.logout()
    sign_in(client, cast.patient.email)

    assert "held for you" in client.get(f"/patient/waitlist/{hold_id}/").content.decode()
    response = client.post(f"/patient/waitlist/{hold_id}/", {"reason": "Knee"})

    assert response.status_code == 302 and response["Location"] == f"/patient/appointments/{hold_id}/"
    assert [a.patient_id for a in booked() if a.start == TUESDAY_NINE] == [cast.patient.sub]
