"""The projectors as one Lambda function: the event source mappings of the
sign-ups', patients' and appointments' tables invoke `handler` with a batch
of one stream's records (deploy/aws/template.yaml, ProjectorFunction), and
the stream's table picks the projector. Raising hands the batch back: the
mapping retries it, halving it on each failure, and sends what still fails
to the on-failure queue; a record counted before the failure is not
counted again (its dedupe mark).

It needs none of the portal's secrets: its settings are the few the
counting reads, from the function's environment."""

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
        CLINIC_TIME_ZONE=os.environ.get("CLINIC_TIME_ZONE", "America/New_York"),
        ANALYTICS_PSEUDONYM_KEY=os.environ.get("ANALYTICS_PSEUDONYM_KEY", "medisecure-analytics-markers"),
    )


def source_table(event_source_arn: str, prefix: str) -> str:
    """'appointments' from 'arn:aws:dynamodb:...:table/<prefix>appointments/stream/...'."""
    physical = event_source_arn.split(":table/", 1)[1].split("/stream/", 1)[0]
    return physical.removeprefix(prefix)


def handler(event: dict, context: object) -> dict:
    _configure()
    from django.conf import settings

    from analytics import handlers
    from medisecure.streams import records_from_lambda

    raw = event.get("Records", [])
    if not raw:
        return {"projected": 0}
    projectors = {
        "patient-provisional": handlers.project_signups,
        "patients": handlers.project_patients,
        "appointments": handlers.project_appointments,
    }
    table = source_table(raw[0]["eventSourceARN"], settings.TABLE_PREFIX)
    records = records_from_lambda(event)
    projectors[table](records)
    return {"projected": len(records)}
