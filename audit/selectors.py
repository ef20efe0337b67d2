"""Reading the audit trail: a page of a search, one event, a chain's
segment, the events about one patient, the CSV export, the accounting of
disclosures and the verification of the chains.

These know only the trail: finding the person behind an email is the
pages' business (compliance), so audit stays below the rooms. Exporting,
reporting and verifying are themselves recorded, before anything is
returned; a page or an event on its own is not (the admin's search never
was)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from audit import repository, verification_repository
from audit.archive.selectors import archive_findings
from audit.domain import (
    ALLOWED,
    CSV_COLUMNS,
    AuditEvent,
    AuditEventNotFound,
    ScheduledRun,
    SearchFilters,
    Verdict,
    csv_line,
    csv_row,
    is_intact,
    verify_chain_segment,
)
from audit.services import audit_record
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext

SEARCH_PAGE_SIZE = 50


def audit_event_list(
    *, filters: SearchFilters, page_token: str | None = None, limit: int = SEARCH_PAGE_SIZE
) -> tuple[list[AuditEvent], str | None]:
    """One page of the events matching `filters`, newest first, and the
    token of the next. Raises medisecure.dynamo.InvalidPageToken for a token
    not issued for these filters."""
    return repository.search(filters, org_id=settings.CLINIC_ID, limit=limit, page_token=page_token)


def audit_event_list_for_patient(
    *, patient_id: str, page_token: str | None = None, limit: int = 25
) -> tuple[list[AuditEvent], str | None]:
    """One page of the events about one patient's record, newest first (the
    patient's own "who has seen my record"). Not audited here: the caller
    records its own read, with its own action."""
    return repository.list_by("patientId", patient_id, limit=limit, page_token=page_token)


def audit_event_get(*, event_id: str, timestamp: str) -> tuple[AuditEvent, bool]:
    """The event, and whether it still matches its seal. Raises
    AuditEventNotFound."""
    event = repository.get(event_id, timestamp)
    if event is None:
        raise AuditEventNotFound(event_id)
    return event, is_intact(event)


def audit_chain_segment(*, chain_id: str, since: str, until: str) -> Iterator[AuditEvent]:
    """A chain's events between two stored timestamps, in chain order."""
    return repository.chain_segment(chain_id, since, until)


def audit_export(*, actor: Actor, audit: AuditContext, filters: SearchFilters) -> Iterator[str]:
    """CSV lines of every matching event, newest first, produced as the
    response streams (a month of events never sits in memory). The export is
    recorded before the first line is produced."""
    audit_record(
        actor=actor,
        audit=audit,
        action="audit.export",
        outcome=ALLOWED,
        resource_type="audit_trail",
        detail={key: value for key, value in asdict(filters).items() if value},
    )
    return _csv_lines(repository.search_all(filters, org_id=settings.CLINIC_ID))


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    yield csv_line(CSV_COLUMNS)
    for event in events:
        yield csv_line(csv_row(event))


def audit_verify(*, actor: Actor, audit: AuditContext, since: str, until: str) -> Verdict:
    """Check every chain's events in [since, until] against their seals, their
    neighbours and the chain heads, and against the archive (missing,
    altered, re-sealed, reordered, never archived, changed in place)."""
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
        findings += archive_findings(chain_id=chain_id, since=since, until=until, table_events=events)
    verdict = Verdict(since, until, settings.AUDIT_CHAIN_COUNT, events_checked, tuple(findings))
    audit_record(
        actor=actor,
        audit=audit,
        action="audit.verify",
        outcome=ALLOWED,
        resource_type="audit_trail",
        detail={"since": since, "until": until, "intact": verdict.intact, "findings": len(findings)},
    )
    return verdict


# Where the first scheduled run starts: before any event.
BEFORE_EVERY_EVENT = "0"


def audit_verify_scheduled(*, actor: Actor, audit: AuditContext) -> tuple[Verdict, ScheduledRun]:
    """The nightly verification: from where the last intact run got to, up
    to the events the archiver has surely seen (now less the consumer's
    allowed lag); recorded as the last run, its end as verified only when
    intact (so a break is found again every night until it is dealt with).
    Raises verification_repository.RunOverlapped when another run recorded first."""
    previous = verification_repository.last_run()
    since = previous.verified_until if previous else BEFORE_EVERY_EVENT
    now = clock.recorded_now()
    until = clock.stamp(now - timedelta(seconds=settings.AUDIT_ARCHIVE_GRACE_SECONDS))
    verdict = audit_verify(actor=actor, audit=audit, since=since, until=until)
    run = ScheduledRun(
        ran_at=clock.stamp(now),
        since=since,
        until=until,
        events_checked=verdict.events_checked,
        findings=len(verdict.findings),
        verified_until=until if verdict.intact else since,
        version=(previous.version if previous else 0) + 1,
    )
    verification_repository.run_record(run, previous=previous)
    return verdict, run


def audit_verification_last() -> ScheduledRun | None:
    """The last scheduled verification (None before the first)."""
    return verification_repository.last_run()


def audit_disclosures(
    *, actor: Actor, audit: AuditContext, patient_id: str, since: str, until: str
) -> list[dict[str, str]]:
    """Every recorded access to one patient's record in a period, oldest
    first, with who (by email where the person has signed in) and what."""
    events = list(
        repository.search_all(
            SearchFilters(patient_id=patient_id, since=since, until=until), org_id=settings.CLINIC_ID
        )
    )
    emails = dict(
        get_user_model()
        .objects.filter(username__in={event.user_id for event in events})
        .values_list("username", "email")
    )
    audit_record(
        actor=actor,
        audit=audit,
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
