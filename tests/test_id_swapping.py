"""Identifiers swapped: every id in a page's address (taken from the access
matrix, so new pages with ids join by themselves) and every page token
(taken from the form registry's lists) replaced by someone else's, a random
one and a malformed one. The answer is a 404 that looks the same whatever
was asked for (nothing about the record leaks, not even that it exists), and
the miss is audited."""

from __future__ import annotations

import dataclasses
import random
import re
import string
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import resolve

from audit import repository as audit_log
from medisecure import dynamo
from tests.access_matrix import ANONYMOUS, DOCTOR, EVERYONE, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, ROUTES
from tests.form_registry import TARGETS, Setup, materialize
from tests.matrix_appointments import APPOINTMENT_FOREIGN_IDS
from tests.matrix_documents import DOCUMENT_FOREIGN_IDS
from tests.matrix_messages import MESSAGE_FOREIGN_IDS
from tests.matrix_results import RESULT_FOREIGN_IDS
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

# A page whose address names a record owned by someone: how to name one that
# belongs to someone the page's person has no relationship with. A page open
# to patients or doctors whose address holds an id must be listed here
# (test_every_page_with_an_id_open_to_patients_or_doctors_is_swapped).
FOREIGN_IDS: dict = {}
FOREIGN_IDS.update(DOCUMENT_FOREIGN_IDS)
FOREIGN_IDS.update(APPOINTMENT_FOREIGN_IDS)
FOREIGN_IDS.update(MESSAGE_FOREIGN_IDS)
FOREIGN_IDS.update(RESULT_FOREIGN_IDS)
# The chart's pages: the patient is in the cast doctor's care team, not the other doctor's.
FOREIGN_IDS.update(
    {
        name: lambda cast: (OTHER_DOCTOR, {"patient_id": cast.patient.sub})
        for name in (
            "chart:chart",
            "chart:history",
            "chart:entry_add",
            "chart:entry",
            "chart:addendum_add",
        )
    }
)

RELATIONSHIP_ACTORS = {PATIENT, OTHER_PATIENT, DOCTOR, OTHER_DOCTOR}

# Admin actions on any patient (the admin's authority covers every record):
# an id that names no one is answered on the care-team page they return to,
# changing nothing (test_an_admin_care_team_change_for_no_one_changes_nothing).
ANSWERED_IN_PLACE = {
    "signup:finish": (
        "a finish link's secret, open to anyone: one that opens no sign-up sends the browser to start "
        "again, audited (patients/tests/test_signup_rules.py)"
    ),
    "admin:care_team_add": "adding needs a doctor's email first; an unknown patient is a 404 once one is given",
    "admin:care_team_remove": "removing a doctor who is not in that care team says so on the care-team page",
}
# Ids in an address that name no one's record.
NOT_OWNED = {"exports:download": "a file format (fhir or pdf)"}


def _routes_with_ids():
    seen = {}
    for route in ROUTES:
        kwargs = resolve(route.path.split("?")[0]).kwargs
        if kwargs and route.name not in seen:
            seen[route.name] = (route, kwargs)
    return [
        (route, kwargs)
        for route, kwargs in seen.values()
        if route.name not in ANSWERED_IN_PLACE | NOT_OWNED.keys()
    ]


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


def _swapped_path(route, kwargs: dict, name: str, value: str, cast) -> str:
    # An id the matrix's path names by placeholder ("{patient}") is replaced
    # as written; the placeholders left are then filled with the cast's ids.
    named = str(kwargs[name])
    named = named if named in route.path else quote(named, safe=":")
    return dataclasses.replace(route, path=route.path.replace(named, quote(value, safe=""), 1)).url(cast)


def _actor(route) -> str:
    return sorted(route.allowed - {ANONYMOUS})[0]


POSTED: dict = {}
for _target in TARGETS:
    if _target.method == "POST":
        POSTED.setdefault(_target.name, _target)


def _requester(client, cast, route, *, prepare: bool = True):
    """Opens a page. One that only takes a POST (405 to the matrix's GET) is
    sent its form's valid baseline, so the id is what is refused, not the
    form (`prepare` makes what the baseline needs, e.g. a booking)."""
    if route.ok_status != 405:
        return client.get
    target = POSTED.get(route.name)
    if target is None or target.form is None:  # a POST that reads no form
        return lambda path: client.post(path, {})
    setup = Setup(cast=cast, client=client)
    if prepare and target.prepare:
        target.prepare(setup)
    return lambda path: client.post(path, materialize(target.baseline(setup)))


# Admin actions over every record (an admin's authority covers them all) that
# report an unknown id on the page they return to, rather than a 404.
ANSWERED_IN_PLACE = {
    "signup:finish": (
        "a finish link's secret, open to anyone: one that opens no sign-up sends the browser to start "
        "again, audited (patients/tests/test_signup_rules.py)"
    ),
    "admin:care_team_remove": "removing a doctor who is not in the care team says so on the care-team page",
}
# Ids in an address that name no one's record.
NOT_OWNED = {"exports:download": "a file format (fhir or pdf)"}


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


@pytest.mark.parametrize("route, kwargs", ROUTES_WITH_IDS, ids=[route.name for route, _ in ROUTES_WITH_IDS])
def test_a_random_or_malformed_id_is_a_404_that_is_audited_and_tells_nothing(client, cast, route, kwargs):
    person = getattr(cast, _actor(route))
    sign_in(client, person.email)
    rng = random.Random(route.name)
    # Random ids are shaped like the real ones (a "{patient}" placeholder's
    # value is the cast's id).
    real = resolve(route.url(cast).split("?")[0]).kwargs
    request = _requester(client, cast, route)
    expected = 302 if route.name in ANSWERED_IN_PLACE else 404
    for name in kwargs:
        value = real[name]
        reference = request(_swapped_path(route, kwargs, name, _same_shape(str(value), rng), cast))
        assert reference.status_code == expected, (route.name, name)
        if expected != 404:
            for bad in MALFORMED_IDS:  # (with a slash it no longer matches the address at all: 404)
                assert request(_swapped_path(route, kwargs, name, bad, cast)).status_code in (
                    expected,
                    404,
                ), bad
            continue
        for bad in (_same_shape(str(value), rng), *MALFORMED_IDS):
            denials = len(_denials_of(person.sub))

            response = request(_swapped_path(route, kwargs, name, bad, cast))

            _assert_refused_alike(response, reference, person, denials)


def test_every_page_with_an_id_open_to_patients_or_doctors_is_swapped():
    owned = {
        route.name
        for route, _ in ROUTES_WITH_IDS
        if route.allowed & RELATIONSHIP_ACTORS
        and route.allowed != EVERYONE  # a public page's slug is no one's
    }

    assert owned - set(FOREIGN_IDS) - set(NOT_OWNED) == set()


def test_an_admin_care_team_change_for_no_one_changes_nothing(cast):
    client = Client()
    sign_in(client, cast.admin.email)
    nobody = "00000000-0000-0000-0000-000000000000"
    before = audit_log.list_by("userId", cast.admin.sub, limit=100)[0]

    removed = client.post(f"/admin/patients/care-team/{nobody}/remove/{cast.doctor.sub}/", follow=True)
    added = client.post(f"/admin/patients/care-team/{nobody}/add/", {"doctor": cast.doctor.email})

    assert "was not in the care team" in removed.content.decode()
    assert added.status_code == 404
    after = audit_log.list_by("userId", cast.admin.sub, limit=100)[0]
    assert [event.action for event in after if event not in before and event.outcome == "allowed"] == []


def test_another_persons_record_is_refused_like_a_missing_one(cast):
    # A browser of its own for each person, signed in once: signing in again
    # over a live session as the same person leaves the test client signed
    # out, and the hosted UI allows ten sign-ins per account in 15 minutes.
    browsers: dict[str, Client] = {}
    for route_name, foreign_of in FOREIGN_IDS.items():
        route, kwargs = next((route, kwargs) for route, kwargs in ROUTES_WITH_IDS if route.name == route_name)
        actor, foreign = foreign_of(cast)
        person = getattr(cast, actor)
        if actor not in browsers:
            browsers[actor] = Client()
            sign_in(browsers[actor], person.email)
        client = browsers[actor]
        request = _requester(client, cast, route, prepare=False)
        reference = request(route.url(cast))  # the matrix's own path names nothing real for them
        swapped = route
        for name, value in foreign.items():
            swapped = dataclasses.replace(swapped, path=_swapped_path(swapped, kwargs, name, value, cast))
        path = swapped.path
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
    # What the list needs to list anything (the booking page: a doctor with hours).
    setup = Setup(cast=cast, client=client)
    if target.prepare:
        target.prepare(setup)
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
        # The event names the refused token and the ids in the page's address.
        named = {name: str(value) for name, value in resolve(path).kwargs.items()}
        assert denials_now[0].action == "access.not_found"
        assert denials_now[0].detail == {**named, "page_token": "refused"}


def test_the_doctors_own_page_token_does_not_open_another_doctors_list(client, cast):
    token = dynamo.encode_page_token(
        {"providerId": {"S": cast.doctor.sub}, "patientId": {"S": cast.patient.sub}},
        f"care-team-provider:{cast.doctor.sub}",
    )
    sign_in(client, cast.other_doctor.email)

    response = client.get("/doctor/patients/", {"page": token})

    assert response.status_code == 404
    assert cast.patient.sub not in response.content.decode()


class _Baseline:
    """What list baselines read: the cast only."""

    def __init__(self, cast):
        self.cast = cast
