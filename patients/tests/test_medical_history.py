"""Adding to and amending a patient's medical history: entries are never
overwritten or lost, amendments keep what they replace, racing writers are
told, and every write lands with its audit event or not at all."""

import threading

import pytest
from botocore.exceptions import EndpointConnectionError

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.records import repository as records_repository
from patients.records import services as records_services
from patients.records.domain import EntryConflict
from patients.tests.records_support import ALLERGY, DIAGNOSIS, MEDICATION, NOTE, actor
from tests.faults import at_send

pytestmark = pytest.mark.django_db


def _add(cast, kind, values, person=None):
    return records_services.chart_entry_add(
        actor=actor(person or cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind=kind,
        values=values,
    )


def test_it_adds_entries_to_the_history_and_the_chart_summary(cast):
    for kind, values in (
        ("note", NOTE),
        ("diagnosis", DIAGNOSIS),
        ("allergy", ALLERGY),
        ("medication", MEDICATION),
    ):
        _add(cast, kind, values)

    entries, _ = records_repository.history_page(cast.patient.sub)
    summary = records_repository.summary_get(cast.patient.sub)

    assert [entry.kind for entry in entries] == ["medication", "allergy", "diagnosis", "note"]
    assert entries[-1].recorded_by_name == "Dr Casey Sample"
    assert [entry.values["substance"] for entry in summary.allergies] == ["Penicillin"]
    assert [entry.values["code"] for entry in summary.active_problems] == ["J20.9"]
    assert [note.values["assessment"] for note in summary.recent_notes] == ["Viral cough"]


def test_it_records_each_entry_with_an_audit_event_naming_no_phi(cast):
    entry = _add(cast, "allergy", ALLERGY)

    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    added = [event for event in events if event.action == "chart.entry.add"]
    assert [(e.resource_id, e.user_id, e.detail["kind"]) for e in added] == [
        (entry.entry_id, cast.doctor.sub, "allergy")
    ]
    assert "Penicillin" not in repr(added)


def test_an_amendment_keeps_the_original_who_when_and_why(cast):
    entry = _add(cast, "allergy", ALLERGY)

    amended = records_services.chart_entry_amend(
        kind="allergy",
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        values={**ALLERGY, "severity": "severe"},
        reason="Anaphylaxis reported by hospital",
        expected_version=1,
    )

    assert amended.version == 2 and amended.values["severity"] == "severe"
    [revision] = records_repository.revisions_of(cast.patient.sub, entry.entry_id)
    assert revision.values["severity"] == "moderate"
    assert (revision.replaced_by, revision.reason) == (cast.doctor.sub, "Anaphylaxis reported by hospital")
    assert records_repository.summary_get(cast.patient.sub).allergies[0].values["severity"] == "severe"


def test_the_second_of_two_amendments_from_the_same_version_is_told_and_shown_the_new_value(cast):
    entry = _add(cast, "allergy", ALLERGY)
    first = {**ALLERGY, "severity": "severe"}
    records_services.chart_entry_amend(
        kind="allergy",
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        values=first,
        reason="first",
        expected_version=1,
    )

    with pytest.raises(EntryConflict) as conflict:
        records_services.chart_entry_amend(
            kind="allergy",
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            entry_id=entry.entry_id,
            values={**ALLERGY, "reaction": "Swelling"},
            reason="second",
            expected_version=1,
        )

    assert conflict.value.current.values["severity"] == "severe" and conflict.value.current.version == 2
    assert len(records_repository.revisions_of(cast.patient.sub, entry.entry_id)) == 1


def test_racing_amendments_let_exactly_one_win_and_lose_nothing(cast):
    entry = _add(cast, "allergy", ALLERGY)
    outcomes = []

    def amend(reaction):
        try:
            records_services.chart_entry_amend(
                kind="allergy",
                actor=actor(cast.doctor),
                audit=NO_REQUEST,
                patient_id=cast.patient.sub,
                entry_id=entry.entry_id,
                values={**ALLERGY, "reaction": reaction},
                reason=reaction,
                expected_version=1,
            )
            outcomes.append(("won", reaction))
        except EntryConflict as conflict:
            outcomes.append(("lost", conflict.current.values["reaction"]))

    threads = [threading.Thread(target=amend, args=(reaction,)) for reaction in ("Rash", "Wheeze")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [reaction for outcome, reaction in outcomes if outcome == "won"]
    losers_saw = [reaction for outcome, reaction in outcomes if outcome == "lost"]
    assert len(winners) == 1 and losers_saw == winners
    current = records_repository.entry_get(cast.patient.sub, entry.entry_id)
    assert current.values["reaction"] == winners[0]
    assert [
        r.values["reaction"] for r in records_repository.revisions_of(cast.patient.sub, entry.entry_id)
    ] == ["Hives"]


def test_entries_added_at_once_all_reach_the_summary(cast):
    substances = ["Latex", "Peanuts", "Sulfa", "Iodine"]
    threads = [
        threading.Thread(target=_add, args=(cast, "allergy", {**ALLERGY, "substance": substance}))
        for substance in substances
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    summary = records_repository.summary_get(cast.patient.sub)
    assert sorted(entry.values["substance"] for entry in summary.allergies) == sorted(substances)


def test_an_entry_whose_audit_event_cannot_be_written_is_not_stored(cast):
    def refuse(request, operation):
        if operation == "TransactWriteItems":
            raise EndpointConnectionError(endpoint_url=request.url)

    with at_send("dynamodb", refuse), pytest.raises(Exception):
        _add(cast, "allergy", ALLERGY)

    assert records_repository.history_page(cast.patient.sub)[0] == []
    assert records_repository.summary_get(cast.patient.sub).version == 0
