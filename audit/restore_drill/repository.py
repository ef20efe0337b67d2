"""The restore drill's AWS calls: DynamoDB's point-in-time restore of each
table into a `{prefix}restore-*` table, the wait for it, whole-table counts,
the restored audit chains, and the restore tables' removal.

Run by an operator with their own credentials (`manage.py restore_drill`),
never by the portal's task role: the role may neither restore nor delete a
table, and the two full-table counts below are Scans no request path makes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from audit.domain import AuditEvent, ChainHead
from audit.repository import CHAIN_PAGE, END_OF_TIME, event_from_values, head_from, head_key
from medisecure import dynamo
from medisecure.tables import Table, physical_name

RESTORE_PREFIX = "restore-"
POLL_SECONDS = 20


class RestoreRefused(Exception):
    """DynamoDB would not restore a table (its message says why: point-in-time
    recovery off, a time outside the restorable window, a name taken)."""

    def __init__(self, table_name: str, reason: str):
        super().__init__(f"{table_name}: {reason}")
        self.table_name = table_name
        self.reason = reason


class RestoreTimedOut(Exception):
    """A restore table was not ACTIVE within the wait allowed."""


def restore_name(table: Table) -> str:
    """`{prefix}restore-<table>`: beside the live tables, never one of them."""
    return physical_name(replace(table, name=f"{RESTORE_PREFIX}{table.name}"))


def point_in_time_recovery_on(table: Table) -> bool:
    response = dynamo.client().describe_continuous_backups(TableName=physical_name(table))
    description = response["ContinuousBackupsDescription"]
    status = description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    return status == "ENABLED"


def exists(table_name: str) -> bool:
    try:
        dynamo.client().describe_table(TableName=table_name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def restore(table: Table, *, to_time: datetime) -> str:
    """Start restoring `table` as it was at `to_time`; the restore table's name.
    Encrypted with the source's own KMS key where it has one (PHI never sits
    under a weaker key than the table it came from)."""
    client = dynamo.client()
    source = physical_name(table)
    target = restore_name(table)
    kwargs: dict = {
        "SourceTableName": source,
        "TargetTableName": target,
        "RestoreDateTime": to_time,
        "BillingModeOverride": "PAY_PER_REQUEST",
    }
    key_arn = (
        client.describe_table(TableName=source)["Table"].get("SSEDescription", {}).get("KMSMasterKeyArn")
    )
    if key_arn:
        kwargs["SSESpecificationOverride"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn}
    try:
        client.restore_table_to_point_in_time(**kwargs)
    except ClientError as error:
        raise RestoreRefused(
            target, error.response["Error"].get("Message", error.response["Error"]["Code"])
        ) from error
    return target


def wait_active(table_names: list[str], *, timeout_seconds: float) -> None:
    """Until every restore table is ACTIVE (minutes to hours in AWS, by size)."""
    client = dynamo.client()
    deadline = time.monotonic() + timeout_seconds
    waiting = list(table_names)
    while waiting:
        waiting = [
            name
            for name in waiting
            if client.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE"
        ]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise RestoreTimedOut(", ".join(waiting))
        time.sleep(POLL_SECONDS)


def count_items(table_name: str) -> int:
    # A whole-table Scan, counted page by page: DescribeTable's ItemCount is
    # only refreshed about every six hours, too stale to compare a restore by.
    total = 0
    for page in dynamo.client().get_paginator("scan").paginate(TableName=table_name, Select="COUNT"):
        total += page["Count"]
    return total


def restored_chain(table_name: str, chain_id: str) -> Iterator[AuditEvent]:
    """A chain's events in the restored audit table, in chain order, read by
    the same index and item mapping as the live trail's."""
    condition = dynamo.query_kwargs(Key("chainId").eq(chain_id) & Key("chainPos").between("0", END_OF_TIME))
    pages = (
        dynamo.client()
        .get_paginator("query")
        .paginate(
            TableName=table_name,
            IndexName="ChainIndex",
            PaginationConfig={"PageSize": CHAIN_PAGE},
            **condition,
        )
    )
    for page in pages:
        for item in page.get("Items", []):
            yield event_from_values(dynamo.from_item(item))


def restored_head(table_name: str, chain_id: str) -> ChainHead:
    response = dynamo.client().get_item(
        TableName=table_name, Key=dynamo.to_item(head_key(chain_id)), ConsistentRead=True
    )
    return head_from(chain_id, dynamo.from_item(response.get("Item", {})))


def remove(table_names: list[str]) -> None:
    """Delete the restore tables, those still being restored too (DynamoDB
    refuses to delete a table while it is CREATING: wait that out first)."""
    client = dynamo.client()
    for name in table_names:
        while client.describe_table(TableName=name)["Table"]["TableStatus"] == "CREATING":
            time.sleep(POLL_SECONDS)
        client.delete_table(TableName=name)
    for name in table_names:
        client.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 720}
        )
