"""Where the scheduled verification has got to: one small item in the
stream-checkpoints table, replaced only by a write conditional on the
version it was read at, so two runs at once never both record."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from audit.domain import ScheduledRun
from medisecure import dynamo
from medisecure.tables import STREAM_CHECKPOINTS

KEY = {"stream": "audit-verify", "shardId": "scheduled"}


class RunOverlapped(Exception):
    """Another scheduled verification recorded its run first."""


def last_run() -> ScheduledRun | None:
    values = dynamo.get(STREAM_CHECKPOINTS, KEY)
    if not values:
        return None
    return ScheduledRun(
        ran_at=values["ranAt"],
        since=values["since"],
        until=values["until"],
        events_checked=int(values["eventsChecked"]),
        findings=int(values["findings"]),
        verified_until=values["verifiedUntil"],
        version=int(values["version"]),
    )


def run_record(run: ScheduledRun, *, previous: ScheduledRun | None) -> None:
    guard = Attr("stream").not_exists() if previous is None else Attr("version").eq(previous.version)
    values = {
        **KEY,
        "ranAt": run.ran_at,
        "since": run.since,
        "until": run.until,
        "eventsChecked": run.events_checked,
        "findings": run.findings,
        "verifiedUntil": run.verified_until,
        "version": run.version,
    }
    try:
        dynamo.client().put_item(
            TableName=dynamo.name(STREAM_CHECKPOINTS),
            Item=dynamo.to_item(values),
            **dynamo.condition_kwargs(guard),
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise RunOverlapped from error
        raise
