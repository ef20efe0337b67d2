"""Reviewing the audit trail: search, export, integrity verification and a
patient's accounting of disclosures. Exporting, verifying and reporting are
themselves recorded."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model

from audit import repository
from audit.domain import (
    ALLOWED,
    AuditEvent,
    SearchFilters,
    Verdict,
    is_intact,
    timestamp_bound,
    verify_chain_segment,
)
from audit.services import Actor, audit_record
from patients import repository as patients

CSV_COLUMNS = (
    "timestamp", "event_id", "user_id", "role", "action", "outcome", "resource_type", "resource_id",
    "patient_id", "ip", "user_agent", "request_id", "detail", "chain_id", "chain_seq", "prev_hash", "hash",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UnknownPerson(Exception):
    """An email that names nobody the portal knows."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def audit_filters(*, user="", patient="", action="", outcome="", since=None, until=None, **_ignored) -> SearchFilters:
    """SearchFilters from the admin's form: emails become the ids events carry."""
    return SearchFilters(
        user_id=_user_id(user),
        patient_id=_patient_id(patient),
        action=action,
        outcome=outcome,
        since=timestamp_bound(since, end=False) if since else "",
        until=timestamp_bound(until, end=True) if until else "",
    )


def _user_id(value: str) -> str:
    if "@" not in value:
        return value
    sub = get_user_model().objects.filter(email__iexact=value).values_list("username", flat=True).first()
    if sub is None:
        raise UnknownPerson("user")
    return sub


def _patient_id(value: str) -> str:
    if "@" not in value:
        return value
    patient = patients.get_by_email(value.lower())
    if patient is None:
        raise UnknownPerson("patient")
    return patient.patient_id


def audit_search(*, filters: SearchFilters, page_token: str | None) -> tuple[list[AuditEvent], str | None]:
    return repository.search(filters, org_id=settings.CLINIC_ID, page_token=page_token)


def audit_event_detail(*, event_id: str, timestamp: str) -> tuple[AuditEvent, bool] | None:
    event = repository.get(event_id, timestamp)
    return (event, is_intact(event)) if event else None


def audit_export(*, request, filters: SearchFilters) -> Iterator[str]:
    """CSV lines of every matching event, newest first, produced as the
    response streams (a month of events never sits in memory). The export is
    recorded before the first line is produced."""
    audit_record(
        request=request,
        action="audit.export",
        outcome=ALLOWED,
        resource_type="audit_trail",
        detail={key: value for key, value in asdict(filters).items() if value},
    )
    return _csv_lines(repository.search_all(filters, org_id=settings.CLINIC_ID))


def _csv_lines(events: Iterator[AuditEvent]) -> Iterator[str]:
    yield _csv_line(CSV_COLUMNS)
    for event in events:
        values = asdict(event)
        values["detail"] = ";".join(f"{key}={value}" for key, value in sorted(event.detail.items()))
        yield _csv_line([_neutralise(str(values[column])) for column in CSV_COLUMNS])


def _csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def _neutralise(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def audit_verify(*, since: str, until: str, request=None, actor: Actor | None = None) -> Verdict:
    """Check every chain's events in [since, until] against their seals, their
    neighbours and the chain heads."""
    findings = []
    events_checked = 0
    for number in range(settings.AUDIT_CHAIN_COUNT):
        chain_id = f"{settings.CLINIC_ID}#chain-{number}"
        events = list(repository.chain_segment(chain_id, since, until))
        events_checked += len(events)
        findings += verify_chain_segment(
            chain_id,
            events,
            before=repository.chain_neighbour(chain_id, before=since),
            after=repository.chain_neighbour(chain_id, after=until),
            head=repository.read_head(chain_id),
        )
    verdict = Verdict(since, until, settings.AUDIT_CHAIN_COUNT, events_checked, tuple(findings))
    audit_record(
        request=request,
        actor=actor,
        action="audit.verify",
        outcome=ALLOWED,
        resource_type="audit_trail",
        detail={"since": since, "until": until, "intact": verdict.intact, "findings": len(findings)},
    )
    return verdict


def audit_disclosures(*, patient_id: str, since: str, until: str, actor: Actor) -> list[dict]:
    """Every recorded access to one patient's record in a period, oldest
    first, with who (by email where the person has signed in) and what."""
    events = list(
        repository.search_all(SearchFilters(patient_id=patient_id, since=since, until=until), org_id=settings.CLINIC_ID)
    )
    emails = dict(
        get_user_model().objects.filter(username__in={event.user_id for event in events}).values_list("username", "email")
    )
    audit_record(
        actor=actor,
        action="audit.report",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        detail={"since": since, "until": until, "events": len(events)},
    )
    return [
        {
            "when": event.timestamp,
            "who": emails.get(event.user_id, event.user_id),
            "role": event.role,
            "action": event.action,
            "outcome": event.outcome,
            "what": f"{event.resource_type} {event.resource_id}".strip(),
        }
        for event in reversed(events)
    ]
