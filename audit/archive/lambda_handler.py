"""The archiver as a Lambda function: the audit table's event source mapping
invokes `handler` with a batch of stream records (deploy/aws/template.yaml,
ArchiverFunction). Raising hands the batch back: the mapping retries it,
halving it on each failure (bisect on error), and sends what still fails to
the on-failure SQS queue, from where an operator replays it.

The archiver needs none of the portal's secrets or its database: its
settings are the few the handler reads, from the function's environment."""

from __future__ import annotations

import os


def _configure() -> None:
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        AWS_REGION=os.environ["AWS_REGION"],
        AWS_ENDPOINT_URL=None,
        AWS_ACCESS_KEY_ID=None,
        AWS_SECRET_ACCESS_KEY=None,
        TABLE_PREFIX=os.environ.get("TABLE_PREFIX", ""),
        AUDIT_ARCHIVE_BUCKET=os.environ["AUDIT_ARCHIVE_BUCKET"],
        OPERATIONS_ALERT_TOPIC_ARN=os.environ.get("OPERATIONS_ALERT_TOPIC_ARN", ""),
    )


def handler(event: dict, context: object) -> dict:
    _configure()
    from audit.archive.handlers import archive_records
    from medisecure.streams import records_from_lambda

    records = records_from_lambda(event)
    archive_records(records)
    return {"archived": len(records)}
