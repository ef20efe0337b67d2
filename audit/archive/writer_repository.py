"""Writing the audit archive, and telling operations: the archiver's calls.

Run by the archiver's own principal (the Lambda function's role in AWS, the
`stream_consumer` process locally), which may put objects into the archive
bucket and publish to the alerts topic, and nothing else: the portal's task
role has neither permission (deploy/aws/tests)."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError
from django.conf import settings

from medisecure import aws

logger = logging.getLogger("medisecure.alerts")

ALREADY_THERE = {"PreconditionFailed", "412"}


def put_once(key: str, body: bytes) -> bool:
    """Keep `body` at `key` unless something is kept there already (the
    archive never overwrites: S3 refuses the put when the key exists).
    True when this call wrote it."""
    try:
        aws.client("s3").put_object(
            Bucket=settings.AUDIT_ARCHIVE_BUCKET,
            Key=key,
            Body=body,
            ContentType="application/x-ndjson",
            IfNoneMatch="*",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ALREADY_THERE:
            return False
        raise
    return True


def alert(subject: str, message: str) -> None:
    """Tell operations (SNS to the operations address; locally, the log).
    Identifiers only: never PHI."""
    logger.error("ALERT %s: %s", subject, message)
    if settings.OPERATIONS_ALERT_TOPIC_ARN:
        aws.client("sns").publish(
            TopicArn=settings.OPERATIONS_ALERT_TOPIC_ARN, Subject=subject[:100], Message=message
        )
