"""CloudWatch metrics as Embedded Metric Format (EMF) log lines.

Each metric is one JSON log line whose `_aws` member tells CloudWatch Logs
which members are metrics and which are dimensions; CloudWatch extracts them
out of the portal's log group (no PutMetricData call, no agent). Locally the
lines are only printed. Dimensions are low-cardinality names (a route's name,
a status class, a limit's name), never an identifier.

The metric names, the namespace and the dimension sets here are what the
stack's alarms and dashboard read (deploy/aws/template.yaml); the template
tests hold the two to each other."""

from __future__ import annotations

import logging
import time

NAMESPACE = "MediSecure"
SERVICE = "portal"
logger = logging.getLogger("medisecure.metrics")

# Counted events, one EMF line each, dimensioned by Service (and the listed
# dimension where one is given).
AUDIT_WRITE_FAILURES = "AuditWriteFailures"
RATE_LIMIT_REFUSALS = "RateLimitRefusals"
SES_FAILURES = "SesFailures"
DYNAMODB_THROTTLES = "DynamoDBThrottles"
JOB_FAILURES = "JobFailures"
JOB_RUNS = "JobRuns"

# Per request, in the request's own log line (requests.py).
REQUESTS = "Requests"
LATENCY = "Latency"
ROUND_TRIPS = "DynamoDBRoundTrips"
CONSUMED_CAPACITY = "DynamoDBConsumedCapacity"


def emf(
    metrics: dict[str, tuple[float, str]],
    dimensions: dict[str, str],
    dimension_sets: list[list[str]],
    *,
    timestamp_ms: int | None = None,
) -> dict:
    """The members of one EMF document: `metrics` by name as (value, unit),
    each dimension's value, and which sets of dimensions to publish."""
    return {
        "_aws": {
            "Timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": dimension_sets,
                    "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()],
                }
            ],
        },
        **dimensions,
        **{name: value for name, (value, _) in metrics.items()},
    }


def count(name: str, **dimensions: str) -> None:
    """One occurrence of `name` (e.g. an SES failure), as its own EMF line.
    Published by Service alone, and by Service and the given dimensions."""
    dims = {"Service": SERVICE, **dimensions}
    sets = [["Service"]]
    if dimensions:
        sets.append(["Service", *dimensions])
    logger.info("metric %s", name, extra={"emf": emf({name: (1, "Count")}, dims, sets)})


def count_once(error: BaseException, name: str, **dimensions: str) -> None:
    """Count `error` under `name` once, however many layers it passes
    through (a service and the middleware may both see it)."""
    if getattr(error, "_medisecure_counted", False):
        return
    try:
        error._medisecure_counted = True  # type: ignore[attr-defined]
    except AttributeError:
        pass
    count(name, **dimensions)
