"""Listing the audit archive (S3): the keys of a chain's period.

The listing alone says which event sits where with which seal, so the
portal's own role may only list the bucket (the verification); writing is
the archiver's (audit.archive.writer_repository), reading records back an
operator's restore (audit.archive.restore_repository)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from audit.archive.domain import EVENTS_PREFIX
from medisecure import aws


class ArchiveUnreadable(Exception):
    """The archive bucket could not be listed or read."""


def _s3():
    return aws.client("s3")


def keys_between(prefix: str, start_after: str, last: str) -> Iterator[str]:
    """Keys under `prefix` after `start_after` up to `last`, in order."""
    token = None
    while True:
        kwargs: dict[str, Any] = {"Bucket": settings.AUDIT_ARCHIVE_BUCKET, "Prefix": prefix}
        if token:
            kwargs["ContinuationToken"] = token
        else:
            kwargs["StartAfter"] = start_after
        try:
            response = _s3().list_objects_v2(**kwargs)
        except (BotoCoreError, ClientError) as error:
            raise ArchiveUnreadable(type(error).__name__) from error
        for entry in response.get("Contents", []):
            if entry["Key"] > last:
                return
            yield entry["Key"]
        token = response.get("NextContinuationToken")
        if not token:
            return


def every_event_key() -> Iterator[str]:
    """Every archived event's key, chain by chain, each chain in order."""
    yield from keys_between(EVENTS_PREFIX, "", EVENTS_PREFIX + "\U0010ffff")
