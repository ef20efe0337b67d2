"""Identifiers swapped: every id in a page's address (taken from the access
matrix, so new pages with ids join by themselves) and every page token
(taken from the form registry's lists) replaced by someone else's, a random
one and a malformed one. The answer is a 404 that looks the same whatever
was asked for (nothing about the record leaks, not even that it exists), and
the miss is audited."""

from __future__ import annotations

import random
import re
import string
from urllib.parse import quote

import pytest
from django.urls import resolve

from audit import repository as audit_log
from medisecure import dynamo
from tests.access_matrix import ANONYMOUS, DOCTOR, EVERYONE, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, ROUTES
from patients.documents_domain import reference_of
from patients.tests.documents_support import document_items
from tests.form_registry import TARGETS, Setup, _document, materialize
from tests.support import sign_in

pytestmark = pytest.mark.django_db

MALFORMED_IDS = (
    "x",
    "0" * 300,
    "%00",
    "..",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "{{ request }}",
    "\u202eCA-0000",
    "\U0001f600",
    "CA-0000-0000-0000-0000' --",
)

def _others_document(cast) -> str:
    """A document of the other patient's, uploaded through their own page."""
    from django.test import Client

    owner = Client()
    sign_in(owner, cast.other_patient.email)
    assert owner.post("/patient/documents/upload/", materialize(_document(None))).status_code == 302
    [item] = document_items(cast.other_patient.sub)
    return reference_of(item["documentKey"])


def _others_appointment(cast) -> str:
    """An appointment of the other patient's with the demo doctor."""
    from appointments import services
    from appointments.domain import new_booking_id
    from tests.forms_appointments import _open_every_day, _request_as

    free = [slot for day in services.free_week(provider_id=cast.doctor.sub, week=1).days for slot in day.slots]
    if not free:  # the doctor's hours are not open yet (a POST page's own baseline may have opened them)
        setup = Setup(cast=cast, client=None)
        _open_every_day(setup)
        free = setup.made["free"]
    booked = services.appointment_book(
        request=_request_as(cast.other_patient), provider_id=cast.doctor.sub, start=free[-1].start,
        reason="Check-up", appointment_id=new_booking_id(),
    )
    return booked.appointment.appointment_id


def _other_patients(cast):
    return DOCTOR, {"patient_id": cast.other_patient.sub}


def _other_patients_appointment(cast):
    return PATIENT, {"appointment_id": _others_appointment(cast)}


# A page whose address names a record owned by someone: who opens it, and the
# ids of a record that belongs to someone they have no relationship with. A
# page open to patients or doctors whose address holds an id must be listed
# (test_every_page_with_an_id_open_to_patients_or_doctors_is_swapped).
FOREIGN_IDS: dict = {
    "clinicians:chart": _other_patients,
    "clinicians:chart_history": _other_patients,
    "clinicians:chart_entry_add": _other_patients,
    "clinicians:chart_entry": _other_patients,
    "clinicians:chart_documents": _other_patients,
    "clinicians:chart_document_upload": _other_patients,
    "clinicians:chart_document_download": _other_patients,
    "patients:document_download": lambda cast: (PATIENT, {"reference": _others_document(cast)}),
    "appointments:detail": _other_patients_appointment,
    "appointments:reschedule": _other_patients_appointment,
    "appointments:cancel": _other_patients_appointment,
    "appointments:send_confirmation": _other_patients_appointment,
}
# Admin actions on any record (the admin's authority covers all of them) that
# report an unknown id on the page they return to instead of a 404.
ANSWERED_IN_PLACE = {
    "admin:care_team_remove": "removing a doctor who is not in the care team says so on the care-team page",
}
# Ids in an address that name no one's record.
NOT_OWNED = {"patients:records_download": "a file format (fhir or pdf)"}

RELATIONSHIP_ACTORS = {PATIENT, OTHER_PATIENT, DOCTOR, OTHER_DOCTOR}


def _routes_with_ids():
    seen = {}
    for route in ROUTES:
        kwargs = resolve(route.path.split("?")[0]).kwargs
        if kwargs and route.name not in seen:
            seen[route.name] = (route, kwargs)
    return list(seen.values())


ROUTES_WITH_IDS = _routes_with_ids()


def _same_shape(value: str, rng: random.Random) -> str:
    """A random id shaped like `value`: letters for letters, digits for digits."""
    def swap(character):
        if character.isdigit():
            return rng.choice(string.digits)
        if character.isalpha():
            return rng.choice(string.ascii_uppercase if character.isupper() else string.ascii_lowercase)
        return character

    return "".join(swap(character) for character in value)


def _real_ids(route, cast) -> tuple[str, dict]:
    path = route.url(cast)
    return path, resolve(path.split("?")[0]).kwargs


def _swapped_path(path: str, kwargs: dict, name: str, value: str) -> str:
    return path.replace(quote(str(kwargs[name]), safe=":"), quote(value, safe=""), 1)


def _actor(route) -> str:
    return sorted(route.allowed - {ANONYMOUS})[0]


POSTED = {target.name: target for target in TARGETS if target.method == "POST"}


def _requester(client, cast, route):
    """Opens a page; one that only takes a POST (405 to the matrix's GET) is
    sent its form's valid baseline, so the id is what is refused, not the form."""
    if route.ok_status != 405:
        return client.get
    target = POSTED.get(route.name)
    if target is None:  # a POST that reads no form
        return lambda path: client.post(path, {})
    setup = Setup(cast=cast, client=client)
    if target.prepare:
        target.prepare(setup)
    return lambda path: client.post(path, materialize(target.baseline(setup)))


def _comparable(html: bytes) -> str:
    """The page without what differs on every request."""
    text = html.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    return re.sub(r"[0-9a-f]{32}", "", text)


def _denials_of(user_id: str) -> list:
    events, _ = audit_log.list_by("userId", user_id, limit=100)
    return [event for event in events if event.outcome == "denied"]


def _assert_refused_alike(response, reference, person, denials_before: int):
    assert response.status_code == 404
    assert _comparable(response.content) == _comparable(reference.content)
    assert len(_denials_of(person.sub)) == denials_before + 1


@pytest.mark.parametrize("route", [route for route, _ in ROUTES_WITH_IDS], ids=lambda route: route.name)
def test_a_random_or_malformed_id_is_a_404_that_is_audited_and_tells_nothing(client, cast, route):
    person = getattr(cast, _actor(route))
    sign_in(client, person.email)
    path, kwargs = _real_ids(route, cast)
    rng = random.Random(route.name)
    request = _requester(client, cast, route)
    expected = 302 if route.name in ANSWERED_IN_PLACE else 404
    for name, value in kwargs.items():
        reference = request(_swapped_path(path, kwargs, name, _same_shape(str(value), rng)))
        assert reference.status_code == expected, (route.name, name)
        if expected != 404:
            for bad in MALFORMED_IDS:
                # (one with a slash no longer matches the address at all: 404)
                assert request(_swapped_path(path, kwargs, name, bad)).status_code in (expected, 404), (route.name, bad)
            continue
        for bad in (_same_shape(str(value), rng), *MALFORMED_IDS):
            denials = len(_denials_of(person.sub))

            response = request(_swapped_path(path, kwargs, name, bad))

            _assert_refused_alike(response, reference, person, denials)


def test_every_page_with_an_id_open_to_patients_or_doctors_is_swapped():
    owned = {
        route.name
        for route, _ in ROUTES_WITH_IDS
        if route.allowed & RELATIONSHIP_ACTORS and route.allowed != EVERYONE  # a public page's slug is no one's
    }

    assert owned - set(FOREIGN_IDS) - set(NOT_OWNED) == set()


@pytest.mark.parametrize("route_name", sorted(FOREIGN_IDS))
def test_another_persons_record_is_refused_like_a_missing_one(client, cast, route_name):
    route = next(route for route, _ in ROUTES_WITH_IDS if route.name == route_name)
    request = _requester(client, cast, route)
    actor, foreign = FOREIGN_IDS[route_name](cast)
    person = getattr(cast, actor)
    sign_in(client, person.email)
    path, kwargs = _real_ids(route, cast)
    rng = random.Random(route_name)
    missing = path
    for name, value in foreign.items():
        missing = _swapped_path(missing, kwargs, name, _same_shape(str(kwargs[name]), rng))
        path = _swapped_path(path, kwargs, name, value)
    reference = request(missing)
    denials = len(_denials_of(person.sub))

    response = request(path)

    _assert_refused_alike(response, reference, person, denials)
    for value in foreign.values():
        assert value not in response.content.decode(), route_name


# --- Page tokens ---------------------------------------------------------------------

# The CSV export streams every page itself: a page token in its query is ignored.
PAGES_THEMSELVES = {"admin:audit_export"}
LISTS = [
    target
    for target in TARGETS
    if target.method == "GET" and "page" in target.form.base_fields and target.name not in PAGES_THEMSELVES
]


def _tampered(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


def _tokens(cast) -> dict:
    """Tokens we signed, for lists other than the one they are sent to."""
    others_list = dynamo.encode_page_token(
        {"providerId": {"S": cast.other_doctor.sub}, "patientId": {"S": cast.other_patient.sub}},
        f"care-team-provider:{cast.other_doctor.sub}",
    )
    return {
        "another person's list": others_list,
        "tampered": _tampered(others_list),
        "random": "".join(random.Random(1).choices(string.ascii_letters + string.digits + ":-_", k=120)),
        "malformed": "..%00<script>",
    }


@pytest.mark.parametrize("target", LISTS, ids=lambda target: target.name)
def test_a_page_token_from_another_list_tampered_or_forged_is_refused_and_audited(client, cast, target):
    person = getattr(cast, target.actor)
    sign_in(client, person.email)
    setup = Setup(cast=cast, client=client)
    path = target.path(setup)
    query = {key: value for key, value in target.baseline(setup).items() if value}
    reference = client.get(path, {**query, "page": _tampered(_tokens(cast)["random"])})
    for kind, token in _tokens(cast).items():
        denials = len(_denials_of(person.sub))

        response = client.get(path, {**query, "page": token})

        assert response.status_code == 404, (target.name, kind)
        assert _comparable(response.content) == _comparable(reference.content), kind
        denials_now = _denials_of(person.sub)
        assert len(denials_now) == denials + 1, kind
        assert denials_now[0].action == "access.not_found" and denials_now[0].detail["page_token"] == "refused"


def test_the_doctors_own_page_token_does_not_open_another_doctors_list(client, cast):
    token = dynamo.encode_page_token(
        {"providerId": {"S": cast.doctor.sub}, "patientId": {"S": cast.patient.sub}},
        f"care-team-provider:{cast.doctor.sub}",
    )
    sign_in(client, cast.other_doctor.email)

    response = client.get("/doctor/", {"page": token})

    assert response.status_code == 404
    assert cast.patient.sub not in response.content.decode()

