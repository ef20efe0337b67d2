"""What the lab-result pages are given. The rules of a result (its flag,
its range in words, its markers) are patients.records.results; this room
holds the pages over them: the doctor records and reviews a result, the
patient reads theirs."""

from __future__ import annotations

from dataclasses import dataclass

from patients.records.domain import ChartAccess


@dataclass(frozen=True)
class ResultCompose:
    """What the doctor's "record a lab result" page offers: the chart as the
    doctor may see it and the patient's documents a report can be attached
    from, as (reference, file name) pairs, newest first."""

    access: ChartAccess
    documents: list[tuple[str, str]]
