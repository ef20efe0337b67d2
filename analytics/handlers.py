"""The projector: the appointments table's stream turned into counters
(analytics.domain says which). A stream handler for medisecure.streams;
idempotent, since each counter remembers the records that raised it."""

from __future__ import annotations

from analytics import projector_repository
from analytics.domain import appointment_increments
from medisecure.streams import StreamRecord


def project_appointments(records: list[StreamRecord]) -> None:
    for record in records:
        for increment in appointment_increments(record.event_name, record.new_image, record.old_image):
            # The record's id per counter: a record raising two counters is two ids.
            projector_repository.count_once(
                increment.metric, increment.cell, f"{record.sequence_number}#{increment.cell}"
            )
