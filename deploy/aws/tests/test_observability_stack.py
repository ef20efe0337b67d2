"""The stack's side of observability: alarms on the portal's EMF metrics
(the same names, namespace and dimensions the code emits) notifying
OperationsEmail, a dashboard of them, the tracing sidecar, and the IAM that
goes with it (X-Ray only; no PutMetricData, since metrics are log lines)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import yaml

from deploy.aws.tests.stack_template import (
    as_list,
    container,
    parameter_defaults,
    resolve,
    resources,
    sidecars,
    task_role_statements,
    template,
)
from medisecure.observability import metrics

ALARM = "AWS::CloudWatch::Alarm"


def _alarm(logical_id: str) -> dict:
    return resources(ALARM)[logical_id]["Properties"]


def _metric_stats(alarm: dict) -> list[dict]:
    if "MetricName" in alarm:
        return [
            {
                "Namespace": alarm["Namespace"],
                "MetricName": alarm["MetricName"],
                "Dimensions": alarm["Dimensions"],
            }
        ]
    return [query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query]


def _portal_metric(name: str, **dimensions: str) -> dict:
    return {
        "Namespace": metrics.NAMESPACE,
        "MetricName": name,
        "Dimensions": [{"Name": "Service", "Value": metrics.SERVICE}]
        + [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }


@pytest.mark.parametrize(
    ("logical_id", "metric"),
    [
        ("ServerErrorRateAlarm", _portal_metric(metrics.REQUESTS, StatusClass="5xx")),
        ("ServerErrorRateAlarm", _portal_metric(metrics.REQUESTS)),
        ("LatencyAlarm", _portal_metric(metrics.LATENCY)),
        ("AuditWriteFailuresAlarm", _portal_metric(metrics.AUDIT_WRITE_FAILURES)),
        ("DynamoDbThrottlesAlarm", _portal_metric(metrics.DYNAMODB_THROTTLES)),
        ("ScheduledJobFailuresAlarm", _portal_metric(metrics.JOB_FAILURES)),
    ],
)
def test_each_alarm_reads_a_metric_the_portal_emits(logical_id, metric):
    assert metric in _metric_stats(_alarm(logical_id))


def test_the_metric_dimension_sets_the_alarms_read_are_ones_the_portal_publishes():
    # Requests by Service and by Service+StatusClass: the request line's sets.
    document = metrics.emf({"Requests": (1, "Count")}, {"Service": "portal"}, [["Service"]])
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "MediSecure"
    from medisecure.observability import requests as request_logs

    source = open(request_logs.__file__).read()
    assert '["Service"], ["Service", "StatusClass"]' in source


def test_every_alarm_tells_the_operators_when_it_fires_and_clears():
    (topic_id,) = [
        logical_id
        for logical_id, topic in resources("AWS::SNS::Topic").items()
        if "alarms" in str(topic["Properties"]["TopicName"])
    ]
    alarms = resources(ALARM)
    assert set(alarms) == {
        "ServerErrorRateAlarm",
        "LatencyAlarm",
        "AuditWriteFailuresAlarm",
        "DynamoDbThrottlesAlarm",
        "StreamIteratorAgeAlarm",
        "ScheduledJobFailuresAlarm",
        "ArchiverIteratorAgeAlarm",
        "ArchiverFailuresAlarm",
        "AuditVerificationBrokenAlarm",
        "ProjectorIteratorAgeAlarm",
    }
    for logical_id, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}], logical_id
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic_id}], logical_id
    (subscription,) = [
        s
        for s in resources("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic_id}
    ]
    assert subscription["Properties"]["Endpoint"] == {"Ref": "OperationsEmail"}
    assert resources("AWS::SNS::Topic")[topic_id]["Properties"]["KmsMasterKeyId"] == {"Ref": "DataKey"}
    key_policy = resources("AWS::KMS::Key")["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in key_policy)


def test_an_audit_write_failure_alarms_at_the_first_one():
    alarm = _alarm("AuditWriteFailuresAlarm")

    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["Statistic"]) == (
        "GreaterThanThreshold",
        0,
        "Sum",
    )
    assert alarm["TreatMissingData"] == "notBreaching"


def test_latency_alarms_on_the_95th_percentile():
    alarm = _alarm("LatencyAlarm")

    assert alarm["ExtendedStatistic"] == "p95" and alarm["Threshold"] == {"Ref": "LatencyAlarmMilliseconds"}


def test_the_5xx_alarm_is_a_rate_of_all_requests():
    (expression,) = [query for query in _alarm("ServerErrorRateAlarm")["Metrics"] if query.get("ReturnData")]

    assert expression["Expression"] == "100 * FILL(errors, 0) / requests"


def test_the_stream_consumers_iterator_age_is_alarmed_when_one_is_deployed():
    alarm = resources(ALARM)["StreamIteratorAgeAlarm"]

    assert alarm["Condition"] == "HasStreamConsumer"
    assert (
        alarm["Properties"]["MetricName"] == "IteratorAge"
        and alarm["Properties"]["Namespace"] == "AWS/Lambda"
    )


def test_the_scheduled_jobs_alarm_covers_every_schedule():
    rules = set(resources("AWS::Events::Rule"))
    watched = {
        dimension["Value"]["Ref"]
        for metric in _metric_stats(_alarm("ScheduledJobFailuresAlarm"))
        for dimension in metric["Dimensions"]
        if dimension["Name"] == "RuleName"
    }

    assert watched == rules


def test_the_dashboard_shows_every_metric_the_portal_emits_and_the_alarms():
    (dashboard,) = resources("AWS::CloudWatch::Dashboard").values()
    body, names = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    rendered = resolve(
        {"Fn::Sub": [body, {name: "arn:alarm" for name in names}]},
        {**parameter_defaults(), "AWS::Region": "us-east-1"},
    )
    widgets = json.loads(rendered)["widgets"]

    shown = {
        entry
        for widget in widgets
        if widget["type"] == "metric"
        for row in widget["properties"]["metrics"]
        for entry in row
        if isinstance(entry, str)
    }
    emitted = {
        metrics.REQUESTS,
        metrics.LATENCY,
        metrics.ROUND_TRIPS,
        metrics.CONSUMED_CAPACITY,
        metrics.AUDIT_WRITE_FAILURES,
        metrics.RATE_LIMIT_REFUSALS,
        metrics.SES_FAILURES,
        metrics.DYNAMODB_THROTTLES,
        metrics.JOB_FAILURES,
        metrics.JOB_RUNS,
    }
    assert emitted <= shown
    assert any(widget["type"] == "alarm" for widget in widgets)


def test_the_collector_sidecar_sends_traces_to_xray_and_cannot_stop_the_portal():
    (collector,) = sidecars()
    config = {entry["Name"]: entry["Value"] for entry in collector["Environment"]}["AOT_CONFIG_CONTENT"]

    assert collector["Image"] == {"Ref": "CollectorImageUri"}
    assert collector["Essential"] is False and collector["ReadonlyRootFilesystem"] is True
    assert "awsxray" in config and "127.0.0.1:4317" in config
    assert collector["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "LogGroup"}


def test_the_task_role_may_send_traces_and_never_put_metric_data():
    actions = {action for statement in task_role_statements() for action in as_list(statement["Action"])}

    assert {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} <= actions
    assert {action for action in actions if action.startswith("xray:")} == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    }
    # Metrics are EMF lines in the log group the task already writes to.
    assert not [action for action in actions if action.startswith("cloudwatch:")]


def test_operations_parameters_are_grouped_for_the_console():
    groups = template()["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    grouped = {name for group in groups for name in group["Parameters"]}

    assert set(template()["Parameters"]) == grouped


def test_the_portal_sends_its_traces_over_otlp_http_to_the_collectors_receiver():
    environment = {entry["Name"]: entry.get("Value") for entry in container()["Environment"]}
    (collector,) = sidecars()
    config = yaml.safe_load(
        {entry["Name"]: entry["Value"] for entry in collector["Environment"]}["AOT_CONFIG_CONTENT"]
    )
    endpoint = urlsplit(environment["OTEL_EXPORTER_OTLP_ENDPOINT"])

    assert environment["TRACES_EXPORTER"] == "otlp"
    assert endpoint.scheme == "http" and endpoint.hostname == "127.0.0.1"
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"] == endpoint.netloc
    pipeline = config["service"]["pipelines"]["traces"]
    assert pipeline["receivers"] == ["otlp"] and pipeline["exporters"] == ["awsxray"]
