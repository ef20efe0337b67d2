"""A patient's own profile: seen and edited only by them, validated, saved
with optimistic locking, audited in the same transaction as the change."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from audit import repository as audit_log
from medisecure import dynamo
from medisecure.identity.actors import NO_REQUEST, Actor
from medisecure.unit_of_work import Transaction
from patients import repository, selectors, services
from patients.domain import NotAPatient
from patients.home import selectors as home_selectors
from tests import faults
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _profile_form(patient, **changes) -> dict:
    values = {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth,
        "phone": patient.phone,
        "address_line1": patient.address_line1,
        "address_line2": patient.address_line2,
        "city": patient.city,
        "region": patient.region,
        "postal_code": patient.postal_code,
        "emergency_contact_name": patient.emergency_contact_name,
        "emergency_contact_relationship": patient.emergency_contact_relationship,
        "emergency_contact_phone": patient.emergency_contact_phone,
        "preferred_language": patient.preferred_language,
        "allergies_summary": patient.allergies_summary,
        "version": patient.version,
    }
    values.update(changes)
    return values


@pytest.fixture
def jordan(client, cast):
    """The demo patient, signed in."""
    sign_in(client, cast.patient.email)
    return cast.patient


def _text(response) -> str:
    return response.content.decode()


def _profile_events(patient_id: str) -> list:
    events, _ = audit_log.list_by("patientId", patient_id, limit=100)
    return [event for event in events if event.action.startswith("patient.profile")]


def test_the_profile_page_shows_the_patients_own_details_in_two_round_trips(client, jordan, dynamodb_calls):
    dynamodb_calls.clear()

    page = client.get("/patient/profile/")

    assert page.status_code == 200
    body = _text(page)
    assert 'value="Jordan"' in body and 'value="Example"' in body and jordan.email in body
    # The record and the audit chain's head in one batch, then the audit event.
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
    (event,) = _profile_events(jordan.sub)
    assert (event.action, event.outcome, event.user_id) == ("patient.profile.read", "allowed", jordan.sub)


def test_saving_the_profile_costs_two_round_trips(client, jordan, dynamodb_calls):
    before = repository.get(jordan.sub)
    dynamodb_calls.clear()

    assert client.post("/patient/profile/", _profile_form(before, city="Albany")).status_code == 302

    # The record and the chain head in one batch; the change with its event.
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}


def test_the_patient_nav_links_to_my_profile(client, jordan):
    assert 'href="/patient/profile/"' in _text(client.get("/patient/"))


def test_a_patient_edits_their_details_and_sees_the_change(client, jordan):
    before = repository.get(jordan.sub)

    saved = client.post(
        "/patient/profile/",
        _profile_form(
            before,
            phone="212 555 0199",
            preferred_language="es",
            emergency_contact_name="Sam Example",
            emergency_contact_relationship="Partner",
            emergency_contact_phone="+1 (646) 555-0142",
            allergies_summary="Penicillin: rash\nLatex: hives",
            address_line1="12 Elm Street",
            city="Albany",
            region="NY",
            postal_code="12207",
        ),
    )

    assert saved.status_code == 302 and saved.url == "/patient/profile/"
    after = repository.get(jordan.sub)
    assert (after.phone, after.preferred_language, after.emergency_contact_phone) == (
        "+12125550199",
        "es",
        "+16465550142",
    )
    assert after.allergies_summary == "Penicillin: rash\nLatex: hives"
    assert after.version == before.version + 1
    page = _text(client.get("/patient/profile/"))
    # Spanish, the language they just chose, is the language of their pages from now on.
    assert "Su perfil está guardado." in page and 'value="+12125550199"' in page and "Latex: hives" in page


def test_the_change_is_audited_with_field_names_and_never_their_values(client, jordan):
    before = repository.get(jordan.sub)

    client.post(
        "/patient/profile/",
        _profile_form(before, phone="212 555 0199", allergies_summary="Peanuts: swelling"),
    )

    update = next(event for event in _profile_events(jordan.sub) if event.action == "patient.profile.update")
    assert update.outcome == "allowed" and update.detail == {"fields": ["phone", "allergies_summary"]}
    recorded = json.dumps(update.__dict__, default=str)
    assert "Peanuts" not in recorded and "5550199" not in recorded


def test_a_change_and_its_audit_event_land_together_or_not_at_all(client, jordan):
    before = repository.get(jordan.sub)

    def refuse_the_transaction(request, operation):
        if operation == "TransactWriteItems":
            return faults.json_error(request, status=400, code="ValidationException", message="refused")
        return None

    client.raise_request_exception = False
    with faults.at_send("dynamodb", refuse_the_transaction):
        failed = client.post("/patient/profile/", _profile_form(before, city="Albany"))

    # A failed audit write refuses the change: a plain 503, nothing written.
    assert failed.status_code == 503
    assert repository.get(jordan.sub) == before
    assert [event.action for event in _profile_events(jordan.sub)] == []


def test_saving_an_unchanged_form_writes_nothing(client, jordan):
    before = repository.get(jordan.sub)

    page = client.get(client.post("/patient/profile/", _profile_form(before)).url)

    assert "You did not change anything" in _text(page)
    assert repository.get(jordan.sub).version == before.version


def test_a_stale_form_says_someone_else_changed_it_and_saves_nothing(client, jordan):
    opened = repository.get(jordan.sub)
    client.post("/patient/profile/", _profile_form(opened, city="Albany"))  # another window saves first

    stale = client.post("/patient/profile/", _profile_form(opened, city="Buffalo", phone="212 555 0100"))

    assert stale.status_code == 409
    body = _text(stale)
    assert "Someone else changed your profile" in body and 'value="Albany"' in body
    now = repository.get(jordan.sub)
    assert (now.city, now.phone, now.version) == ("Albany", opened.phone, opened.version + 1)
    refused = [event for event in _profile_events(jordan.sub) if event.outcome == "denied"]
    assert [event.detail for event in refused] == [{"reason": "stale"}]


def test_a_save_that_races_another_is_refused_by_the_conditional_write(client, jordan):
    """Both saves pass the version check in memory; DynamoDB lets one win."""
    opened = repository.get(jordan.sub)
    raced = {"done": False}

    def save_another_version_first(request, operation):
        body = request.body.decode() if isinstance(request.body, bytes) else ""
        if operation == "TransactWriteItems" and "test-patients" in body and not raced["done"]:
            raced["done"] = True
            competing = replace(opened, city="Utica", version=opened.version + 1)
            tx = Transaction()
            repository.patient_profile_save(tx, competing, expected_version=opened.version)
            dynamo.client().put_item(**tx.operations[0]["Put"])
        return None

    with faults.at_send("dynamodb", save_another_version_first):
        lost = client.post("/patient/profile/", _profile_form(opened, city="Buffalo"))

    assert lost.status_code == 409 and "Someone else changed your profile" in _text(lost)
    assert repository.get(jordan.sub).city == "Utica"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_name", "", "This field is required."),
        ("given_name", "J" * 61, "at most 60 characters"),
        ("family_name", "Ex\x00ample", "Remove the hidden or control characters"),
        ("date_of_birth", "2999-12-31", "A date of birth cannot be in the future."),
        ("date_of_birth", "1700-01-01", "too long ago"),
        ("phone", "555", "That is not a phone number we can call"),
        ("emergency_contact_phone", "not a phone", "Enter a phone number"),
        ("city", "Al\u202ebany", "Remove the hidden or control characters"),
        ("allergies_summary", "Pollen\x1b[31m", "Remove the hidden or control characters"),
        ("allergies_summary", "x" * 1001, "at most 1000 characters"),
        ("postal_code", "<script>", "Enter a ZIP or postal code"),
        ("preferred_language", "klingon", "Select a valid choice"),
        ("version", "0", "This form is out of date"),
        ("version", "", "This form is out of date"),
    ],
)
def test_it_refuses_bad_input_field_by_field_and_changes_nothing(client, jordan, field, value, message):
    before = repository.get(jordan.sub)

    page = client.post("/patient/profile/", _profile_form(before, **{field: value}))

    assert page.status_code == 200
    assert message in _text(page)
    assert repository.get(jordan.sub) == before


def test_an_emergency_contact_needs_both_a_name_and_a_phone(client, jordan):
    before = repository.get(jordan.sub)

    page = _text(
        client.post("/patient/profile/", _profile_form(before, emergency_contact_name="Sam Example"))
    )

    assert "Add a phone number for your emergency contact." in page
    assert repository.get(jordan.sub) == before


def test_a_new_name_reaches_the_doctors_patient_list(client, jordan, cast, client_factory):
    before = repository.get(jordan.sub)

    client.post("/patient/profile/", _profile_form(before, family_name="Renamed"))

    doctor = client_factory()
    sign_in(doctor, cast.doctor.email)
    assert "Jordan Renamed" in _text(doctor.get("/doctor/patients/"))


# --- Nobody else's profile ----------------------------------------------------------


def test_patient_b_never_reads_patient_as_profile_by_any_parameter(client, cast):
    sign_in(client, cast.other_patient.email)

    for path in (
        "/patient/profile/",
        f"/patient/profile/?patient_id={cast.patient.sub}",
        f"/patient/profile/?patientId={cast.patient.sub}",
    ):
        body = _text(client.get(path))
        assert "Riley" in body and cast.other_patient.email in body
        assert "Jordan" not in body and f">{cast.patient.email}<" not in body and cast.patient.sub not in body
    assert client.get(f"/patient/profile/{cast.patient.sub}/").status_code == 404


def test_patient_b_cannot_write_patient_as_profile_by_any_form_field(client, cast):
    a_before = repository.get(cast.patient.sub)
    b_before = repository.get(cast.other_patient.sub)
    sign_in(client, cast.other_patient.email)

    client.post(
        f"/patient/profile/?patient_id={cast.patient.sub}",
        {
            **_profile_form(a_before, city="Hijacked"),
            "patient_id": cast.patient.sub,
            "patientId": cast.patient.sub,
            "email": cast.patient.email,
        },
    )

    assert repository.get(cast.patient.sub) == a_before
    # Whatever happened, it happened to B's own record only.
    assert repository.get(cast.other_patient.sub).patient_id == b_before.patient_id


@pytest.mark.parametrize("actor", ["doctor", "other_doctor", "admin", "marketer"])
def test_staff_cannot_post_to_a_patients_profile(client, cast, actor):
    before = repository.get(cast.patient.sub)
    sign_in(client, getattr(cast, actor).email)

    response = client.post("/patient/profile/", _profile_form(before, city="Elsewhere"))

    assert response.status_code == 403
    assert repository.get(cast.patient.sub) == before


def test_an_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client, cast):
    before = repository.get(cast.patient.sub)

    response = client.post("/patient/profile/", _profile_form(before, city="Elsewhere"))

    assert response.status_code == 302 and "/oidc/authenticate/" in response.url
    assert repository.get(cast.patient.sub) == before


@pytest.mark.parametrize("role", ["doctor", "admin", "anonymous", "system"])
def test_the_profile_reads_and_writes_refuse_an_actor_who_is_not_a_patient(cast, role):
    """Called from a command or a test, as from a page: only a patient has
    a profile of their own, and the id is always the actor's."""
    before = repository.get(cast.patient.sub)
    actor = Actor(user_id=cast.patient.sub, role=role)

    with pytest.raises(NotAPatient):
        selectors.patient_profile_get(actor=actor, audit=NO_REQUEST)
    with pytest.raises(NotAPatient):
        home_selectors.patient_home_get(actor=actor, audit=NO_REQUEST)
    with pytest.raises(NotAPatient):
        services.patient_profile_update(
            actor=actor, audit=NO_REQUEST, values={"city": "Elsewhere"}, expected_version=before.version
        )
    assert repository.get(cast.patient.sub) == before


def test_a_patient_actor_reads_and_saves_their_own_profile_without_a_request(cast):
    actor = Actor(user_id=cast.patient.sub, role="patient")
    before = selectors.patient_profile_get(actor=actor, audit=NO_REQUEST)

    changed = services.patient_profile_update(
        actor=actor,
        audit=NO_REQUEST,
        values={**{name: getattr(before, name) for name in ("given_name", "family_name")}, "city": "Albany"},
        expected_version=before.version,
    )

    assert changed == ["city"]
    assert repository.get(cast.patient.sub).city == "Albany"
    assert [event.action for event in _profile_events(cast.patient.sub)] == [
        "patient.profile.update",
        "patient.profile.read",
    ]
