"""The rebuild's reads and writes, with an operator's credentials (never
the portal's task role, never the projector's): the one full read of the
source tables the product makes, a page at a time at a rate the caller
sets, and the counters and markers set to what those tables say."""

from __future__ import annotations

import time
from collections.abc import Iterator

from boto3.dynamodb.conditions import Key

from medisecure import dynamo
from medisecure.tables import ANALYTICS, Table

SCAN_PAGE = 100


def items_of(table: Table, *, pages_per_second: float) -> Iterator[dict]:
    """Every item of `table`, one Scan page at a time, at most
    `pages_per_second` pages a second.

    The one full-table read of the analytics room, and a Scan on purpose:
    only the operator's `manage.py analytics_rebuild` calls it (never a
    request path), to recount what the projectors should have counted."""
    start_key = None
    pause = 1.0 / pages_per_second if pages_per_second > 0 else 0.0
    while True:
        began = time.monotonic()
        kwargs = {"TableName": dynamo.name(table), "Limit": SCAN_PAGE, "ConsistentRead": True}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = dynamo.client().scan(**kwargs)
        for item in response.get("Items", []):
            yield dynamo.from_item(item)
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            return
        time.sleep(max(0.0, pause - (time.monotonic() - began)))


def partition(metric: str) -> dict[str, dict]:
    """Every item under one metric (cell -> item), paginated."""
    found: dict[str, dict] = {}
    start_key = None
    while True:
        items, start_key = dynamo.query(ANALYTICS, Key("metric").eq(metric), limit=500, start_key=start_key)
        found.update({item["cell"]: item for item in items})
        if not start_key:
            return found


def counter_set(metric: str, cell: str, count: int) -> None:
    dynamo.client().update_item(
        TableName=dynamo.name(ANALYTICS),
        Key={"metric": {"S": metric}, "cell": {"S": cell}},
        UpdateExpression="SET #count = :count",
        ExpressionAttributeNames={"#count": "count"},
        ExpressionAttributeValues={":count": {"N": str(count)}},
    )


def marker_set(metric: str, cell: str, first: str) -> None:
    dynamo.client().update_item(
        TableName=dynamo.name(ANALYTICS),
        Key={"metric": {"S": metric}, "cell": {"S": cell}},
        UpdateExpression="SET #first = :first",
        ExpressionAttributeNames={"#first": "first"},
        ExpressionAttributeValues={":first": {"S": first}},
    )
