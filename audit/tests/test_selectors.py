"""The trail's reads, called as a page, a command or a room calls them:
with a plain Actor and audit context."""

import pytest

from audit import repository
from audit.domain import ALLOWED, AuditEventNotFound, SearchFilters
from audit.selectors import audit_event_get, audit_event_list_for_patient, audit_export
from audit.services import Actor, audit_record
from medisecure.errors import NotFound
from medisecure.identity.actors import NO_REQUEST

OPERATOR = Actor(user_id="system:test", role="operator")


def _about(patient_id, action):
    return audit_record(
        actor=OPERATOR, audit=NO_REQUEST, action=action, outcome=ALLOWED, patient_id=patient_id
    )


def test_it_gives_one_event_and_whether_it_matches_its_seal(aws):
    written = _about("p-1", "test.read")

    event, intact = audit_event_get(event_id=written.event_id, timestamp=written.timestamp)

    assert event == written and intact


def test_an_event_that_is_not_there_is_a_not_found(aws):
    with pytest.raises(AuditEventNotFound) as refused:
        audit_event_get(event_id="no-such-event", timestamp="2026-01-01T00:00:00.000000Z")

    assert isinstance(refused.value, NotFound) and not refused.value.audited


def test_a_patients_events_are_theirs_only_newest_first(aws):
    first, _, second = _about("p-1", "test.one"), _about("p-2", "test.other"), _about("p-1", "test.two")

    events, next_page = audit_event_list_for_patient(patient_id="p-1")

    assert [event.event_id for event in events] == [second.event_id, first.event_id] and next_page is None


def test_the_export_is_recorded_before_its_first_line_is_made(aws):
    _about("p-1", "test.read")

    lines = audit_export(actor=OPERATOR, audit=NO_REQUEST, filters=SearchFilters(patient_id="p-1"))

    assert [(e.user_id, e.detail) for e in repository.list_by("action", "audit.export")[0]] == [
        (OPERATOR.user_id, {"patient_id": "p-1"})
    ]
    assert next(lines).startswith("timestamp,event_id,")
