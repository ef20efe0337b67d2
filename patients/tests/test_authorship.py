"""Records only their author can change (issue 16 §3): another doctor who
may open the chart cannot amend an entry (refused and audited) and adds an
addendum instead, which is kept under the entry for good and travels with
the patient's PDF and FHIR downloads."""

import json

import pytest

from audit import repository as audit_log
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST, Actor
from patients import repository as patients_repository
from patients.care_team import repository as care_team_repository
from patients.records import repository as records_repository
from patients.records import services as records_services
from patients.records.domain import ChartNotFound, NotTheAuthor
from patients.tests.records_support import ALLERGY, actor
from tests.pdf_text import pdf_text
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_doctor(cast):
    """The other doctor, joined to the patient's care team: they may open
    the chart, but they did not write its entries."""
    care_team_repository.link_add_if_missing(
        patient=patients_repository.get(cast.patient.sub),
        provider_id=cast.other_doctor.sub,
        since=clock.stamp(),
        reason="Covering",
    )
    return cast.other_doctor


@pytest.fixture
def entry(cast):
    return records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )


def _amend(person, cast, entry):
    return records_services.chart_entry_amend(
        actor=actor(person),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        kind="allergy",
        values={**ALLERGY, "severity": "severe"},
        reason="Worse than noted",
        expected_version=entry.version,
    )


def test_a_second_doctor_cannot_amend_another_doctors_entry_and_the_refusal_is_audited(
    cast, entry, second_doctor
):
    with pytest.raises(NotTheAuthor) as refused:
        _amend(second_doctor, cast, entry)

    assert refused.value.audited
    kept = records_repository.entry_get(cast.patient.sub, entry.entry_id)
    assert kept is not None and kept.version == 1 and kept.values["severity"] == "moderate"
    assert records_repository.revisions_of(cast.patient.sub, entry.entry_id) == []
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    denied = [e for e in events if e.action == "chart.entry.amend"]
    assert [(e.user_id, e.outcome, e.detail["reason"]) for e in denied] == [
        (second_doctor.sub, "denied", "not_the_author")
    ]


def test_the_author_still_amends_their_own_entry(cast, entry, second_doctor):
    assert _amend(cast.doctor, cast, entry).version == 2


def test_the_entry_page_offers_the_second_doctor_an_addendum_not_an_amendment(
    client, cast, entry, second_doctor
):
    sign_in(client, second_doctor.email)
    path = f"/doctor/patients/{cast.patient.sub}/entries/{entry.entry_id}/"

    page = client.get(path).content.decode()
    assert "Save the amendment" not in page and "Add the addendum" in page
    refused = client.post(
        path, {**ALLERGY, "severity": "severe", "reason": "x", "version": "1", "entry_kind": "allergy"}
    )
    assert refused.status_code == 403

    added = client.post(f"{path}addendum/", {"text": "Patient reports the hives were mild"})
    assert added.status_code == 302 and added["Location"] == path
    page = client.get(path).content.decode()
    assert "Patient reports the hives were mild" in page and "Dr " in page


def test_an_addendum_is_kept_with_its_own_author_and_time_and_the_entry_unchanged(cast, entry, second_doctor):
    addendum = records_services.chart_addendum_add(
        actor=actor(second_doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        text="Seen again: reaction was a rash, not hives",
    )

    [kept] = records_repository.addenda_of(cast.patient.sub, entry.entry_id)
    assert kept == addendum
    assert (kept.added_by, kept.text) == (second_doctor.sub, "Seen again: reaction was a rash, not hives")
    assert kept.added_at and kept.added_by_name
    after = records_repository.entry_get(cast.patient.sub, entry.entry_id)
    assert after == entry  # the entry itself, and its author, unchanged
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert [e.user_id for e in events if e.action == "chart.entry.addendum"] == [second_doctor.sub]
    assert "rash" not in repr(events)


def test_a_second_addendum_keeps_the_first(cast, entry, second_doctor):
    for text in ("First note", "Second note"):
        records_services.chart_addendum_add(
            actor=actor(second_doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            entry_id=entry.entry_id,
            text=text,
        )
    kept = records_repository.addenda_of(cast.patient.sub, entry.entry_id)
    assert [addendum.text for addendum in kept] == ["First note", "Second note"]


def test_a_doctor_outside_the_care_team_cannot_add_an_addendum(cast, entry):
    with pytest.raises(ChartNotFound):
        records_services.chart_addendum_add(
            actor=Actor(user_id=cast.other_doctor.sub, role="doctor"),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            entry_id=entry.entry_id,
            text="Not mine to write",
        )
    assert records_repository.addenda_of(cast.patient.sub, entry.entry_id) == []


def test_the_downloads_carry_the_addenda(client, cast, entry, second_doctor):
    records_services.chart_addendum_add(
        actor=actor(second_doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        text="Rash rather than hives",
    )
    sign_in(client, cast.patient.email)

    bundle = json.loads(client.get("/patient/records/download/fhir/").content)
    allergies = [
        item["resource"]
        for item in bundle["entry"]
        if item["resource"]["resourceType"] == "AllergyIntolerance"
    ]
    [note] = allergies[0]["note"]
    assert note["text"] == "Rash rather than hives" and note["authorString"]

    pdf = client.get("/patient/records/download/pdf/").content
    assert pdf.startswith(b"%PDF")
    assert "Rash rather than hives" in pdf_text(pdf)
