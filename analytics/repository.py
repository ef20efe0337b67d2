"""The analytics table's reads: the counters of a partition, by week."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from medisecure import dynamo
from medisecure.tables import ANALYTICS

PAGE = 200


def counters_between(metric: str, first_week: str, last_week: str) -> dict[str, int]:
    """Every counter of `metric` from `first_week` to `last_week` (cell ->
    count): one Query, paginated (a page holds 50 weeks of four statuses)."""
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
