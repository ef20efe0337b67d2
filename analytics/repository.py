"""The analytics table's reads, as the portal's task role makes them: the
counters of one metric between two weeks, and the projector's progress.
Never a marker or a dedupe mark (their partitions are not asked for)."""

from __future__ import annotations

from datetime import datetime

from boto3.dynamodb.conditions import Key

from analytics.domain import PROGRESS
from medisecure import clock, dynamo
from medisecure.tables import ANALYTICS

# A page of counters: two years of the widest chart (24 hours a week) in a few pages.
PAGE = 500


def counters_between(metric: str, first_week: str, last_week: str) -> dict[str, int]:
    """Every counter of `metric` from `first_week` to `last_week` (cell ->
    count): one Query, paginated."""
    found: dict[str, int] = {}
    start_key = None
    while True:
        items, start_key = dynamo.query(
            ANALYTICS,
            Key("metric").eq(metric) & Key("cell").between(f"{first_week}#", f"{last_week}#~"),
            limit=PAGE,
            start_key=start_key,
        )
        for item in items:
            found[item["cell"]] = int(item.get("count", 0))
        if not start_key:
            return found


def progress_list() -> list[tuple[str, datetime, datetime]]:
    """(source, newest record handled made at, handled at) per stream the
    projector reads: one Query."""
    items, _ = dynamo.query(ANALYTICS, Key("metric").eq(PROGRESS), limit=10)
    return [
        (item["cell"], clock.from_stamp(item["newestRecordAt"]), clock.from_stamp(item["handledAt"]))
        for item in items
    ]
