"""The DynamoDB work of the current request: round trips (every attempt is
one, as tests/test_round_trips.py counts them), the capacity DynamoDB says
they consumed, and throttled attempts (each also a DynamoDBThrottles metric,
request or not).

medisecure/aws.py attaches these hooks to the DynamoDB client it builds;
they read botocore's events only, so this module needs no AWS library."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from medisecure.observability import metrics

_THROTTLE_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)
# Operations that accept ReturnConsumedCapacity.
_CAPACITY_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",  # counted if an operator's command makes one; no request path does
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


@dataclass
class Tally:
    round_trips: int = 0
    consumed_capacity: float = 0.0
    throttles: int = 0


_current: contextvars.ContextVar[Tally | None] = contextvars.ContextVar("dynamodb_tally", default=None)


def start() -> tuple[Tally, contextvars.Token]:
    tally = Tally()
    return tally, _current.set(tally)


def stop(token: contextvars.Token) -> None:
    _current.reset(token)


def attach(client) -> None:
    """Hook the tally into `client`'s events (a DynamoDB client)."""
    events = client.meta.events
    events.register("provide-client-params.dynamodb", _ask_for_capacity)
    events.register("before-send.dynamodb", _count_round_trip)
    events.register("response-received.dynamodb", _read_response)


def _ask_for_capacity(params, model, **_kwargs) -> None:
    if model.name in _CAPACITY_OPERATIONS:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


def _count_round_trip(**_kwargs) -> None:
    tally = _current.get()
    if tally is not None:
        tally.round_trips += 1


def _read_response(parsed_response=None, **_kwargs) -> None:
    if not parsed_response:
        return
    tally = _current.get()
    code = parsed_response.get("Error", {}).get("Code")
    if code in _THROTTLE_CODES:
        metrics.count(metrics.DYNAMODB_THROTTLES)
        if tally is not None:
            tally.throttles += 1
    if tally is None:
        return
    consumed = parsed_response.get("ConsumedCapacity")
    for entry in consumed if isinstance(consumed, list) else [consumed] if consumed else []:
        tally.consumed_capacity += float(entry.get("CapacityUnits", 0) or 0)
