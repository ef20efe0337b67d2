"""Lab results: flagged against their range at every boundary, new to the
patient until they open one (and not before), waiting for the doctor's
review critical first, reviewed once; the home pages' two short lists cost
one Query each and audit nothing themselves."""

from decimal import Decimal

import pytest

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.records import repository as records_repository
from patients.records import selectors as records_selectors
from patients.records import services as records_services
from patients.records.results import (
    CRITICAL,
    HIGH,
    LOW,
    NORMAL,
    ResultAlreadyReviewed,
    ResultNotFound,
    range_problems,
    range_words,
    result_flag,
)
from patients.tests.records_support import NOTE, actor

pytestmark = pytest.mark.django_db

POTASSIUM = {
    "test_name": "Potassium",
    "loinc": "2823-3",
    "value": "4.2",
    "unit": "mmol/L",
    "range_low": "3.5",
    "range_high": "5.1",
    "critical_low": "2.5",
    "critical_high": "6.5",
    "collected": "2026-11-30",
}


def _result(cast, **changes):
    return records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="result",
        values={**POTASSIUM, **changes},
    )


def _flag(value, low="3.5", high="5.1", critical_low="2.5", critical_high="6.5"):
    def number(text):
        return Decimal(text) if text else None

    return result_flag(
        Decimal(value),
        low=number(low),
        high=number(high),
        critical_low=number(critical_low),
        critical_high=number(critical_high),
    )


@pytest.mark.parametrize(
    "value, flag",
    [
        ("2.4", CRITICAL),
        ("2.5", LOW),  # at the critical limit: low, not yet critical
        ("3.4", LOW),
        ("3.5", NORMAL),  # the range includes its ends
        ("5.1", NORMAL),
        ("5.2", HIGH),
        ("6.5", HIGH),
        ("6.6", CRITICAL),
    ],
)
def test_it_flags_a_value_at_each_boundary_of_its_range(value, flag):
    assert _flag(value) == flag


def test_a_one_sided_range_flags_only_its_side():
    assert _flag("250", low="", high="200", critical_low="", critical_high="") == HIGH
    assert _flag("10", low="", high="200", critical_low="", critical_high="") == NORMAL
    assert _flag("30", low="40", high="", critical_low="", critical_high="") == LOW


def test_an_impossible_range_is_refused_by_field():
    assert set(range_problems(low=Decimal(5), high=Decimal(3), critical_low=None, critical_high=None)) == {
        "range_high"
    }
    assert set(range_problems(low=None, high=None, critical_low=None, critical_high=None)) == {"range_low"}
    assert "critical_low" in range_problems(
        low=Decimal(3), high=Decimal(5), critical_low=Decimal(4), critical_high=None
    )


def test_the_patient_reads_where_a_result_falls_in_plain_words():
    assert range_words({"flag": NORMAL}) == "Within the usual range"
    assert range_words({"flag": HIGH}) == "Higher than the usual range"
    assert range_words({"flag": LOW}) == "Lower than the usual range"


def test_the_flag_is_computed_by_the_service_whatever_it_is_given(cast):
    result = _result(cast, value="7.0", flag="normal")

    assert result.values["flag"] == CRITICAL


def test_a_new_result_is_unseen_by_the_patient_newest_first(cast, dynamodb_calls):
    first = _result(cast, test_name="Sodium")
    second = _result(cast)
    dynamodb_calls.clear()

    unseen = records_selectors.results_unseen_list(patient_id=cast.patient.sub)

    assert [notice.entry_id for notice in unseen] == [second.entry_id, first.entry_id]
    assert unseen[0].test_name == "Potassium" and unseen[0].flag == NORMAL
    assert dynamodb_calls == {"Query": 1}  # and no audit event: the home audits its own read
    assert records_selectors.results_unseen_list(patient_id=cast.other_patient.sub) == []


def test_the_new_mark_clears_once_the_patient_opens_the_result_and_not_before(cast):
    result = _result(cast)
    other = _result(cast, test_name="Sodium")
    patient = actor(cast.patient)

    records_selectors.own_result_list(actor=patient, audit=NO_REQUEST, page_token=None)
    assert {
        notice.entry_id for notice in records_selectors.results_unseen_list(patient_id=cast.patient.sub)
    } == {
        result.entry_id,
        other.entry_id,
    }

    opened = records_services.result_open(actor=patient, audit=NO_REQUEST, entry_id=result.entry_id)
    records_services.result_open(actor=patient, audit=NO_REQUEST, entry_id=result.entry_id)

    assert opened.values["test_name"] == "Potassium"
    assert [
        notice.entry_id for notice in records_selectors.results_unseen_list(patient_id=cast.patient.sub)
    ] == [other.entry_id]
    events, _ = audit_log.list_by("patientId", cast.patient.sub, limit=100)
    reads = [event.detail["first_look"] for event in events if event.action == "result.read"]
    assert sorted(reads) == [False, True]


def test_another_patient_cannot_open_a_result_and_the_attempt_is_audited(cast):
    result = _result(cast)

    with pytest.raises(ResultNotFound):
        records_services.result_open(
            actor=actor(cast.other_patient), audit=NO_REQUEST, entry_id=result.entry_id
        )

    assert len(records_selectors.results_unseen_list(patient_id=cast.patient.sub)) == 1
    events, _ = audit_log.list_by("userId", cast.other_patient.sub, limit=10)
    assert [(event.action, event.outcome) for event in events] == [("result.read", "denied")]


def test_results_wait_for_review_critical_first_then_out_of_range(cast, dynamodb_calls):
    normal = _result(cast)
    critical = _result(cast, value="7.1")
    high = _result(cast, value="5.9")
    dynamodb_calls.clear()

    waiting = records_selectors.results_to_review_list(provider_id=cast.doctor.sub)

    assert [notice.entry_id for notice in waiting] == [critical.entry_id, high.entry_id, normal.entry_id]
    assert waiting[0].critical and waiting[0].patient_name == "Jordan Example"
    assert dynamodb_calls == {"Query": 1}
    assert records_selectors.results_to_review_list(provider_id=cast.other_doctor.sub) == []


def test_a_reviewed_result_leaves_the_queue_once(cast):
    result = _result(cast, value="7.1")
    doctor = actor(cast.doctor)

    records_services.result_review(
        actor=doctor, audit=NO_REQUEST, patient_id=cast.patient.sub, entry_id=result.entry_id
    )

    assert records_selectors.results_to_review_list(provider_id=cast.doctor.sub) == []
    with pytest.raises(ResultAlreadyReviewed):
        records_services.result_review(
            actor=doctor, audit=NO_REQUEST, patient_id=cast.patient.sub, entry_id=result.entry_id
        )
    events, _ = audit_log.list_by("patientId", cast.patient.sub, limit=100)
    assert [event.action for event in events].count("result.review") == 1


def test_only_a_result_can_be_reviewed(cast):
    note = records_services.chart_entry_add(
        actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind="note", values=NOTE
    )

    with pytest.raises(ResultNotFound):
        records_services.result_review(
            actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, entry_id=note.entry_id
        )


def test_an_amended_result_is_new_again_and_waits_for_review_again_with_its_new_flag(cast):
    result = _result(cast)
    patient, doctor = actor(cast.patient), actor(cast.doctor)
    records_services.result_open(actor=patient, audit=NO_REQUEST, entry_id=result.entry_id)
    records_services.result_review(
        actor=doctor, audit=NO_REQUEST, patient_id=cast.patient.sub, entry_id=result.entry_id
    )

    records_services.chart_entry_amend(
        actor=doctor,
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=result.entry_id,
        kind="result",
        values={**POTASSIUM, "value": "6.9"},
        reason="Typed the wrong value",
        expected_version=1,
    )

    assert [notice.flag for notice in records_selectors.results_unseen_list(patient_id=cast.patient.sub)] == [
        CRITICAL
    ]
    assert [
        notice.flag for notice in records_selectors.results_to_review_list(provider_id=cast.doctor.sub)
    ] == [CRITICAL]
    revisions = records_repository.revisions_of(cast.patient.sub, result.entry_id)
    assert [revision.values["flag"] for revision in revisions] == [NORMAL]


def test_the_chart_summary_keeps_the_latest_results(cast):
    for value in ("4.0", "4.1", "4.2"):
        _result(cast, value=value)

    summary = records_repository.summary_get(cast.patient.sub)

    assert [result.values["value"] for result in summary.recent_results] == ["4.2", "4.1", "4.0"]
