"""What the portal tells its operators, read as CloudWatch would: one JSON
log line per request naming its route (never the path), its DynamoDB round
trips and capacity and the actor's role, with no patient id, name or email
anywhere; and EMF metric lines that parse as Embedded Metric Format."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings

from medisecure.middleware import RequestIdLogFilter
from medisecure.observability import metrics
from medisecure.observability.logs import NoPathsFilter, PortalJsonFormatter
from tests import phi_markers
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """Every log line, formatted by the portal's own console handler setup
    (settings.LOGGING), collected while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PortalJsonFormatter())
    handler.addFilter(RequestIdLogFilter())
    handler.addFilter(NoPathsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[str]:
        """The lines written since the last call."""
        written = [line for line in stream.getvalue().splitlines() if line]
        stream.seek(0)
        stream.truncate()
        return written

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


def validate_emf(document: dict) -> list[str]:
    """The Embedded Metric Format specification's rules, as CloudWatch
    applies them to a log event; the problems found, none when valid."""
    problems = []
    meta = document.get("_aws")
    if not isinstance(meta, dict):
        return ["no _aws object"]
    if not isinstance(meta.get("Timestamp"), int) or meta["Timestamp"] < 10**12:
        problems.append("Timestamp must be epoch milliseconds")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*problems, "CloudWatchMetrics must be a non-empty list"]
    for directive in directives:
        if not isinstance(directive.get("Namespace"), str) or not directive["Namespace"]:
            problems.append("Namespace missing")
        for dimension_set in directive.get("Dimensions", []):
            if not isinstance(dimension_set, list) or len(dimension_set) > 30:
                problems.append("a dimension set must be a list of at most 30 names")
                continue
            for name in dimension_set:
                if not isinstance(document.get(name), str):
                    problems.append(f"dimension {name} must be a string member")
        for metric in directive.get("Metrics", []):
            name = metric.get("Name")
            if not isinstance(document.get(name), int | float) or isinstance(document.get(name), bool):
                problems.append(f"metric {name} must be a number member")
            if metric.get("Unit") not in {"Count", "Milliseconds", "Seconds", "None"}:
                problems.append(f"metric {name} has an unknown unit")
    return problems


def _json(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


def test_a_chart_request_logs_one_json_line_with_its_route_and_round_trips_and_no_patient(
    client, cast, log_lines, dynamodb_calls
):
    sign_in(client, cast.doctor.email)
    log_lines()
    dynamodb_calls.clear()

    response = client.get(f"/doctor/patients/{cast.patient.sub}/")

    assert response.status_code == 200
    lines = log_lines()
    requests = [line for line in _json(lines) if line.get("logger") == "medisecure.requests"]
    assert len(requests) == 1
    line = requests[0]
    assert line["route"] == "chart:chart"
    assert line["status"] == 200 and line["method"] == "GET" and line["role"] == "doctor"
    assert line["dynamodb_round_trips"] == sum(dynamodb_calls.values()) > 0
    assert isinstance(line["dynamodb_consumed_capacity"], int | float)
    assert line["duration_ms"] > 0
    assert line["request_id"] == response["X-Request-ID"]
    markers = {cast.patient.sub, *phi_markers.cast_markers()}
    for text in lines:
        assert not [marker for marker in markers if marker in text], text


def test_a_request_line_is_also_its_emf_metrics_by_route_and_status(client, cast, log_lines):
    sign_in(client, cast.patient.email)
    log_lines()

    client.get("/patient/")

    (line,) = [line for line in _json(log_lines()) if line.get("logger") == "medisecure.requests"]
    assert validate_emf(line) == []
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == metrics.NAMESPACE
    assert {metric["Name"] for metric in directive["Metrics"]} >= {metrics.REQUESTS, metrics.LATENCY}
    assert ["Service", "StatusClass"] in directive["Dimensions"]
    assert (line["Route"], line["StatusClass"], line["Requests"]) == ("patients:home", "2xx", 1)


def test_a_path_nobody_routes_is_logged_without_the_path(client, cast, log_lines):
    sign_in(client, cast.doctor.email)
    log_lines()

    client.get(f"/no-such-page/{cast.patient.sub}/")

    lines = log_lines()
    assert lines and not [line for line in lines if cast.patient.sub in line]
    (request_line,) = [line for line in _json(lines) if line.get("logger") == "medisecure.requests"]
    assert request_line["route"] == "unmatched" and request_line["status"] == 404


@pytest.mark.parametrize(
    ("name", "dimensions"),
    [
        (metrics.AUDIT_WRITE_FAILURES, {}),
        (metrics.RATE_LIMIT_REFUSALS, {"Limit": "sign_in"}),
        (metrics.SES_FAILURES, {}),
        (metrics.DYNAMODB_THROTTLES, {}),
        (metrics.JOB_FAILURES, {"Job": "send_reminders"}),
    ],
)
def test_counted_events_are_emf_lines_that_parse(log_lines, name, dimensions):
    metrics.count(name, **dimensions)

    (line,) = [line for line in _json(log_lines()) if line.get("logger") == "medisecure.metrics"]
    assert validate_emf(line) == []
    assert line[name] == 1 and line["Service"] == "portal"
    assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0] == ["Service"]


def test_an_invalid_emf_document_is_told_apart():
    # The validator itself can fail: a dimension that is not a string member.
    document = metrics.emf({"Requests": (1, "Count")}, {"Service": "portal"}, [["Service", "Route"]])

    assert validate_emf(document) == ["dimension Route must be a string member"]


def test_a_throttled_dynamodb_attempt_is_counted(aws, log_lines):
    from medisecure import dynamo
    from tests import faults

    answered = []

    def throttle_once(request, operation):
        if answered:
            return None
        answered.append(operation)
        return faults.json_error(
            request, status=400, code="ProvisionedThroughputExceededException", message="slow down"
        )

    with faults.at_send("dynamodb", throttle_once):
        dynamo.client().list_tables()

    throttles = [line for line in _json(log_lines()) if line.get(metrics.DYNAMODB_THROTTLES) == 1]
    assert answered == ["ListTables"]
    assert len(throttles) == 1 and validate_emf(throttles[0]) == []


def test_the_console_handler_writes_json_by_default():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert "no_paths" in settings.LOGGING["handlers"]["console"]["filters"]


def test_a_scheduled_command_that_fails_is_a_job_failure_metric(log_lines):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--within-hours", "0")

    lines = [line for line in _json(log_lines()) if line.get("logger") == "medisecure.metrics"]
    failures = [line for line in lines if line.get(metrics.JOB_FAILURES) == 1]
    assert [line["Job"] for line in failures] == ["send_reminders"]
    assert all(validate_emf(line) == [] for line in lines)
