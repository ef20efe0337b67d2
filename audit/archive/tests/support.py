"""What the archive's tests share: writing events, running the consumer
until it has caught up, and reading the archive's bucket as it is."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from audit.archive.handlers import archive_records
from audit.domain import ALLOWED
from audit.services import Actor, audit_record
from medisecure import aws as aws_clients
from medisecure.identity.actors import NO_REQUEST
from medisecure.streams import StreamConsumer
from medisecure.tables import AUDIT_LOGS

OPERATOR = Actor(user_id="system:test", role="operator")


def write(count, *, writers=1):
    def one_writer(number):
        return [
            audit_record(actor=OPERATOR, audit=NO_REQUEST, action=f"test.w{number}_{n}", outcome=ALLOWED)
            for n in range(count // writers)
        ]

    with ThreadPoolExecutor(max_workers=writers) as pool:
        return [event for batch in pool.map(one_writer, range(writers)) for event in batch]


def consumer(handler=archive_records, **options):
    return StreamConsumer(AUDIT_LOGS, handler, name="audit-archive", **options)


def drain(each=None):
    each = each or consumer()
    while each.poll():
        pass
    return each


def versions(prefix="events/"):
    """How many versions the archive holds of each key under `prefix`."""
    s3 = aws_clients.client("s3")
    counts: Counter = Counter()
    for page in s3.get_paginator("list_object_versions").paginate(
        Bucket=settings.AUDIT_ARCHIVE_BUCKET, Prefix=prefix
    ):
        for version in page.get("Versions", []):
            counts[version["Key"]] += 1
    return counts
