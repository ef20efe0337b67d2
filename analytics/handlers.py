"""The projectors: the provisional sign-ups', the patients' and the
appointments' streams turned into counters (analytics.domain says which).
Stream handlers for medisecure.streams, named in settings.STREAM_CONSUMERS
(in AWS, the projector Lambda's event source mappings).

Each record moves its counters by the difference between the cells of its
old and new images, once (projector_repository.count_once). A REMOVE counts
nothing: sign-ups go by TTL once they can no longer be finished, and a
sign-up that expired was still started."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings

from analytics import projector_repository
from analytics.domain import (
    APPOINTMENT_RECORDS,
    PATIENT_RECORDS,
    SIGNUPS,
    Cell,
    appointment_cells,
    first_booking_cells,
    moves,
    patient_cells,
    pseudonym,
    signup_cells,
)
from medisecure.streams import INSERT, REMOVE, StreamRecord


def _project(source: str, records: list[StreamRecord], cells_of: Callable[[dict | None], list[Cell]]) -> None:
    counting = []
    for record in records:
        if record.event_name == REMOVE:
            continue
        moved = moves(cells_of(record.old_image), cells_of(record.new_image))
        if record.event_name == INSERT and source == APPOINTMENT_RECORDS:
            moved = _with_first_booking(record.new_image or {}, moved)
        counting.append((f"{source}#{record.sequence_number}", moved))
    projector_repository.count_all_once(counting)
    if records:
        projector_repository.progress_mark(source, newest_record_at=max(r.created_at for r in records))


# Patients whose first booking this process has learnt (pseudonym -> that
# booking's): a marker, once set, never changes, so asking it again about
# another booking of theirs can only answer "not the first". Bounded.
_FIRSTS: OrderedDict[str, str] = OrderedDict()
FIRSTS_KEPT = 10_000


def _first_booking_of(patient: str, appointment: str) -> str:
    if patient in _FIRSTS:
        _FIRSTS.move_to_end(patient)
        return _FIRSTS[patient]
    first = projector_repository.first_booking_claim(patient, appointment)
    _FIRSTS[patient] = first
    if len(_FIRSTS) > FIRSTS_KEPT:
        _FIRSTS.popitem(last=False)
    return first


def _with_first_booking(values: dict, moved: dict[Cell, int]) -> dict[Cell, int]:
    patient, appointment = values.get("patientId"), values.get("appointmentId")
    if not patient or not appointment or not appointment_cells(values):
        return moved
    key = settings.ANALYTICS_PSEUDONYM_KEY
    booking = pseudonym(appointment, key)
    first = _first_booking_of(pseudonym(patient, key), booking) == booking
    extra = moves([], first_booking_cells(values, first=first))
    return {each: moved.get(each, 0) + extra.get(each, 0) for each in {*moved, *extra}}


def project_signups(records: list[StreamRecord]) -> None:
    _project(SIGNUPS, records, signup_cells)


def project_patients(records: list[StreamRecord]) -> None:
    _project(PATIENT_RECORDS, records, patient_cells)


def project_appointments(records: list[StreamRecord]) -> None:
    _project(APPOINTMENT_RECORDS, records, appointment_cells)
