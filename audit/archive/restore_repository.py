"""Rebuilding an audit table from the archive: the restore's DynamoDB calls.

Run by an operator with their own credentials (`manage.py audit_restore`),
never by the portal's task role, into a table named on the command line."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from audit.archive.domain import parse_line
from audit.archive.repository import ArchiveUnreadable
from medisecure import aws, dynamo


class TargetNotEmpty(Exception):
    """The table to restore into already holds items."""


def is_empty(table_name: str) -> bool:
    # A Scan, as analytics_rebuild has one: audit_restore is an operator's command, never
    # a request path, and it reads at most one item to refuse a table that is
    # not empty (a Query needs a key, and an empty table has none to name).
    return not dynamo.client().scan(TableName=table_name, Limit=1, Select="COUNT").get("Count")


def put_new(table_name: str, item: dict[str, Any]) -> bool:
    """Put an item as the archive kept it (DynamoDB's typed form) unless one
    with its key is there; True when this call wrote it."""
    try:
        dynamo.client().put_item(
            TableName=table_name, Item=item, **dynamo.condition_kwargs(Attr("eventId").not_exists())
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


def record(key: str) -> dict[str, Any]:
    """The stream record kept at `key`."""
    try:
        body = aws.client("s3").get_object(Bucket=settings.AUDIT_ARCHIVE_BUCKET, Key=key)["Body"].read()
    except (BotoCoreError, ClientError) as error:
        raise ArchiveUnreadable(type(error).__name__) from error
    return parse_line(body)
