"""Every counter recomputed from the source tables, so a projector bug can
be repaired: the cells each stored item stands for (analytics.domain, the
same rules the projectors apply to a change), summed, and written over
what the counters hold. A counter no item stands for any more is set to 0.

Run it with the projectors stopped (in AWS, the event source mappings
disabled): a change projected while it reads would be counted by both.
Sign-ups that TTL has removed can no longer be recounted, so their weeks'
"started" and "code verified" keep what the projector counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from analytics import rebuild_repository
from analytics.domain import (
    CODE_VERIFIED,
    FIRST_BOOKING,
    FUNNEL,
    METRICS,
    STARTED,
    appointment_cells,
    first_booking_cells,
    patient_cells,
    pseudonym,
    signup_cells,
)
from medisecure.tables import APPOINTMENTS, PATIENT_PROVISIONAL, PATIENTS


@dataclass(frozen=True)
class Rebuilt:
    items_read: int
    counters_written: int
    counters_unchanged: int


def recount(*, pages_per_second: float) -> tuple[Counter, dict[str, str], int]:
    """(cell -> count, patient pseudonym -> first appointment's, items read)."""
    rate = pages_per_second
    counts: Counter = Counter()
    read = 0
    signup_weeks: set[str] = set()
    for values in rebuild_repository.items_of(PATIENT_PROVISIONAL, pages_per_second=rate):
        read += 1
        cells = signup_cells(values)
        signup_weeks.update(name.split("#")[0] for _, name in cells)
        counts.update(cells)
    for values in rebuild_repository.items_of(PATIENTS, pages_per_second=rate):
        read += 1
        counts.update(patient_cells(values))
    firsts: dict[str, tuple[str, str]] = {}
    bookings = []
    for values in rebuild_repository.items_of(APPOINTMENTS, pages_per_second=rate):
        read += 1
        cells = appointment_cells(values)
        counts.update(cells)
        if cells and values.get("patientId") and values.get("appointmentId"):
            bookings.append(values)
            order = (str(values.get("createdAt", "")), str(values["appointmentId"]))
            patient = str(values["patientId"])
            if patient not in firsts or order < firsts[patient]:
                firsts[patient] = order
    for values in bookings:
        first = firsts[str(values["patientId"])][1] == values["appointmentId"]
        counts.update(first_booking_cells(values, first=first))
    key = settings.ANALYTICS_PSEUDONYM_KEY
    markers = {pseudonym(patient, key): pseudonym(order[1], key) for patient, order in firsts.items()}
    return counts, markers, read


def _kept_by_ttl(metric: str, cell: str) -> bool:
    return metric == FUNNEL and cell.rsplit("#", 1)[-1] in (STARTED, CODE_VERIFIED)


def analytics_rebuild(*, pages_per_second: float | None = None) -> Rebuilt:
    rate = settings.ANALYTICS_REBUILD_PAGES_PER_SECOND if pages_per_second is None else pages_per_second
    counts, markers, read = recount(pages_per_second=rate)
    written = unchanged = 0
    for metric in METRICS:
        stored = {
            cell: int(item.get("count", 0)) for cell, item in rebuild_repository.partition(metric).items()
        }
        wanted = {cell: count for (each, cell), count in counts.items() if each == metric}
        oldest_signup_week = min(
            (cell.split("#")[0] for cell in wanted if _kept_by_ttl(metric, cell)), default=None
        )
        for cell in sorted({*stored, *wanted}):
            if (
                cell not in wanted
                and _kept_by_ttl(metric, cell)
                and (oldest_signup_week is None or cell.split("#")[0] < oldest_signup_week)
            ):
                continue  # its sign-ups are gone by TTL: nothing to recount them from
            count = wanted.get(cell, 0)
            if stored.get(cell, 0) == count and (cell in stored or count == 0):
                unchanged += 1
                continue
            rebuild_repository.counter_set(metric, cell, count)
            written += 1
    stored_markers = {
        cell: item.get("first") for cell, item in rebuild_repository.partition(FIRST_BOOKING).items()
    }
    for patient, first in markers.items():
        if stored_markers.get(patient) != first:
            rebuild_repository.marker_set(FIRST_BOOKING, patient, first)
    return Rebuilt(items_read=read, counters_written=written, counters_unchanged=unchanged)
