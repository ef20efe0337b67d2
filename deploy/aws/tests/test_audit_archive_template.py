"""The audit archive in the stack: a write-once bucket under its own key,
written only by the archiver (a Lambda function behind the audit table's
event source mapping) whose role cannot touch the table, read by the portal
only as a listing; the archiver's lag and failures alarmed."""

from __future__ import annotations

import importlib

from deploy.aws.tests.stack_template import as_list, container, resources, task_role_statements
from medisecure import bootstrap

ARCHIVE_ARN = {"Fn::GetAtt": ["AuditArchiveBucket", "Arn"]}


def _bucket():
    return resources("AWS::S3::Bucket")["AuditArchiveBucket"]


def _archiver_statements() -> list[dict]:
    role = resources("AWS::IAM::Role")["ArchiverRole"]
    return [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _mentions_archive(resource) -> bool:
    text = str(resource)
    return "AuditArchiveBucket" in text or "audit-archive" in text


def test_the_archive_bucket_is_object_locked_in_compliance_mode_for_seven_years(settings):
    bucket = _bucket()
    properties = bucket["Properties"]

    assert properties["ObjectLockEnabled"] is True
    assert properties["ObjectLockConfiguration"] == bootstrap.archive_lock_configuration()
    assert properties["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "COMPLIANCE",
        "Years": 7,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    assert all(properties["PublicAccessBlockConfiguration"].values())


def test_the_archive_is_encrypted_with_its_own_key_the_archiver_may_encrypt_with():
    (rule,) = _bucket()["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    key = resources("AWS::KMS::Key")["AuditArchiveKey"]

    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["AuditArchiveKey", "Arn"]},
    }
    assert key["Properties"]["EnableKeyRotation"] is True
    users = [
        statement
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
        if statement["Sid"] != "AccountAdministersTheKey"
    ]
    assert [statement["Principal"] for statement in users] == [
        {"AWS": {"Fn::GetAtt": ["ArchiverRole", "Arn"]}}
    ]


def test_the_task_role_cannot_put_objects_into_the_archive():
    archive_grants = [
        (action, resource)
        for statement in task_role_statements()
        if statement["Effect"] == "Allow"
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
        # A grant on every resource reaches the archive when it is an S3 one.
        if _mentions_archive(resource) or (resource == "*" and action.split(":")[0] in ("s3", "*"))
    ]

    assert archive_grants == [("s3:ListBucket", ARCHIVE_ARN)]
    assert not any(
        action.startswith("s3:Put") or action in ("s3:*", "*")
        for statement in task_role_statements()
        for action in as_list(statement["Action"])
        if statement["Effect"] == "Allow"
        and any(_mentions_archive(r) for r in as_list(statement["Resource"]))
    )


def test_the_bucket_refuses_writes_from_anyone_but_the_archiver():
    policy = resources("AWS::S3::BucketPolicy")["AuditArchiveBucketPolicy"]["Properties"]["PolicyDocument"]
    (only_archiver,) = [
        statement for statement in policy["Statement"] if statement["Sid"] == "OnlyTheArchiverWrites"
    ]

    assert only_archiver["Effect"] == "Deny" and only_archiver["Principal"] == "*"
    assert "s3:PutObject" in only_archiver["Action"]
    assert only_archiver["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["ArchiverRole", "Arn"]}}
    }


def test_the_archivers_role_reads_the_stream_and_puts_objects_and_cannot_write_the_audit_table():
    grants = {
        (action, str(resource))
        for statement in _archiver_statements()
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    dynamodb = {(action, resource) for action, resource in grants if action.startswith("dynamodb:")}

    assert {action for action, _ in dynamodb} == {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    }
    assert {resource for _, resource in dynamodb} == {str({"Fn::GetAtt": ["AuditLogsTable", "StreamArn"]})}
    s3 = {(action, resource) for action, resource in grants if action.startswith("s3:")}
    assert [action for action, _ in s3] == ["s3:PutObject"]
    assert {action.split(":")[0] for action, _ in grants} == {"dynamodb", "s3", "sns", "kms", "sqs", "logs"}
    assert all(statement["Effect"] == "Allow" for statement in _archiver_statements())


def test_the_event_source_mapping_batches_bisects_and_sends_failures_to_a_queue():
    mapping = resources("AWS::Lambda::EventSourceMapping")["ArchiverEventSourceMapping"]["Properties"]

    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["AuditLogsTable", "StreamArn"]}
    assert mapping["FunctionName"] == {"Ref": "ArchiverFunction"}
    assert mapping["BatchSize"] > 1 and mapping["MaximumBatchingWindowInSeconds"] >= 1
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": ["ArchiverFailureQueue", "Arn"]}}
    }
    assert "ArchiverFailureQueue" in resources("AWS::SQS::Queue")


def test_the_function_runs_the_archivers_handler_as_the_archiver_with_what_it_reads():
    function = resources("AWS::Lambda::Function")["ArchiverFunction"]["Properties"]
    (handler_path,) = function["ImageConfig"]["Command"]
    module, name = handler_path.rsplit(".", 1)
    source = importlib.import_module(module).__file__

    assert callable(getattr(importlib.import_module(module), name))
    assert function["Role"] == {"Fn::GetAtt": ["ArchiverRole", "Arn"]}
    text = open(source, encoding="utf-8").read()
    assert all(f'"{variable}"' in text for variable in function["Environment"]["Variables"])


def test_a_lagging_archiver_and_a_failed_batch_alarm_operations():
    alarms = resources("AWS::CloudWatch::Alarm")
    lag = alarms["ArchiverIteratorAgeAlarm"]["Properties"]
    failures = alarms["ArchiverFailuresAlarm"]["Properties"]

    assert (lag["Namespace"], lag["MetricName"]) == ("AWS/Lambda", "IteratorAge")
    assert lag["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "ArchiverFunction"}}]
    assert failures["MetricName"] == "ApproximateNumberOfMessagesVisible"
    for alarm in (lag, failures):
        assert alarm["AlarmActions"] == [{"Ref": "OperationsAlarmsTopic"}]
    subscription = resources("AWS::SNS::Subscription")["OperationsAlarmsSubscription"]["Properties"]
    assert subscription["Endpoint"] == {"Ref": "OperationsEmail"}


def test_the_portal_is_told_where_the_archive_is():
    environment = {entry["Name"]: entry.get("Value") for entry in container()["Environment"]}

    assert environment["AUDIT_ARCHIVE_BUCKET"] == {"Ref": "AuditArchiveBucket"}


def test_the_trail_is_verified_every_night_and_a_break_alarms():
    (rule,) = [
        rule
        for rule in resources("AWS::Events::Rule").values()
        if any("audit_verify" in target.get("Input", "") for target in rule["Properties"]["Targets"])
    ]
    (target,) = [t for t in rule["Properties"]["Targets"] if "audit_verify" in t["Input"]]
    metric = resources("AWS::Logs::MetricFilter")["AuditVerificationBrokenMetric"]["Properties"]
    alarm = resources("AWS::CloudWatch::Alarm")["AuditVerificationBrokenAlarm"]["Properties"]
    from audit.management.commands.audit_verify import BROKEN_LOG_LINE

    assert '"--scheduled"' in target["Input"] and rule["Properties"]["ScheduleExpression"].startswith("cron(")
    assert metric["FilterPattern"] == f'"{BROKEN_LOG_LINE}"'
    assert alarm["MetricName"] == metric["MetricTransformations"][0]["MetricName"]
    assert alarm["AlarmActions"] == [{"Ref": "OperationsAlarmsTopic"}]
