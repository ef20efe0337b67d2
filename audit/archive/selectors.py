"""The table against the archive: what verification adds to the chains.

The chains alone cannot catch someone holding the portal's own write
access: they may edit an event, seal it again with SHA-256, relink its
successors and rewrite the chain's head, and every chain still checks. The
archive was written by another principal, record by record, into a bucket
nothing can rewrite, so it still holds each event as it was first written
and every later MODIFY or REMOVE of it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from audit import repository as trail
from audit.archive import repository
from audit.archive.domain import (
    CHANGES_PREFIX,
    EVENTS_PREFIX,
    ArchivedChange,
    ArchivedEvent,
    chain_range,
    compare_chain,
    parse_key,
)
from audit.archive.repository import ArchiveUnreadable
from audit.domain import AuditEvent, Finding
from medisecure import clock


def archive_findings(
    *, chain_id: str, since: str, until: str, table_events: list[AuditEvent]
) -> list[Finding]:
    """What is wrong with one chain's period, comparing the table's events
    (its ChainIndex segment, in order) with the archive's."""
    try:
        archived = [
            entry
            for key in repository.keys_between(
                f"{EVENTS_PREFIX}{chain_id}/", *chain_range(EVENTS_PREFIX, chain_id, since, until)
            )
            if isinstance(entry := parse_key(key), ArchivedEvent)
        ]
        changes = [
            entry
            for key in repository.keys_between(
                f"{CHANGES_PREFIX}{chain_id}/", *chain_range(CHANGES_PREFIX, chain_id, since, until)
            )
            if isinstance(entry := parse_key(key), ArchivedChange)
        ]
    except ArchiveUnreadable as error:
        return [
            Finding(
                "archive", chain_id, 0, "", f"the archive could not be read ({error}): nothing was compared"
            )
        ]
    in_segment = {event.event_id for event in table_events}
    # An archived event the segment lacks may have been moved, not deleted.
    elsewhere = {
        entry.event_id: trail.get(entry.event_id, entry.timestamp)
        for entry in archived
        if entry.event_id not in in_segment
    }
    grace = timedelta(seconds=settings.AUDIT_ARCHIVE_GRACE_SECONDS)
    return compare_chain(
        chain_id,
        table_events,
        archived,
        changes,
        elsewhere=elsewhere,
        archived_before=clock.stamp(clock.recorded_now() - grace),
    )
