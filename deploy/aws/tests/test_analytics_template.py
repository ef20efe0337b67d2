"""The analytics projector in the stack: one Lambda function behind the
sign-ups', patients' and appointments' streams, whose role may UpdateItem
the analytics table and touch no other table; the portal's task role may
only read the analytics table."""

from __future__ import annotations

from analytics import projector_repository
from analytics.lambda_handler import source_table
from deploy.aws.tests.stack_template import as_list, resources, task_role_statements
from medisecure.tables import APPOINTMENTS, PATIENT_PROVISIONAL, PATIENTS

ANALYTICS_ARN = {"Fn::GetAtt": ["AnalyticsTable", "Arn"]}
SOURCES = {"PatientProvisionalTable", "PatientsTable", "AppointmentsTable"}


def _projector_statements() -> list[dict]:
    role = resources("AWS::IAM::Role")["ProjectorRole"]
    return [
        statement
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def test_the_projectors_role_may_only_update_items_of_the_analytics_table_and_read_three_streams():
    dynamodb = [
        statement
        for statement in _projector_statements()
        if any(action.startswith("dynamodb:") for action in as_list(statement["Action"]))
    ]
    writes = [s for s in dynamodb if "dynamodb:GetRecords" not in as_list(s["Action"])]
    (streams,) = [s for s in dynamodb if "dynamodb:GetRecords" in as_list(s["Action"])]

    assert [(as_list(s["Action"]), s["Resource"]) for s in writes] == [
        (["dynamodb:UpdateItem"], ANALYTICS_ARN)
    ]
    assert {resource["Fn::GetAtt"][0] for resource in streams["Resource"]} == SOURCES
    assert all(resource["Fn::GetAtt"][1] == "StreamArn" for resource in streams["Resource"])
    assert all(statement["Effect"] == "Allow" for statement in _projector_statements())


def test_each_source_stream_has_a_mapping_to_the_projector():
    mappings = [
        mapping["Properties"]
        for mapping in resources("AWS::Lambda::EventSourceMapping").values()
        if mapping["Properties"]["FunctionName"] == {"Ref": "ProjectorFunction"}
    ]

    assert {mapping["EventSourceArn"]["Fn::GetAtt"][0] for mapping in mappings} == SOURCES
    assert all(mapping["ParallelizationFactor"] == 1 for mapping in mappings)
    function = resources("AWS::Lambda::Function")["ProjectorFunction"]["Properties"]
    assert function["Role"] == {"Fn::GetAtt": ["ProjectorRole", "Arn"]}
    assert function["ImageConfig"]["Command"] == ["analytics.lambda_handler.handler"]


def test_the_task_role_may_only_read_the_analytics_table():
    actions = {
        action
        for statement in task_role_statements()
        if ANALYTICS_ARN in as_list(statement["Resource"])
        for action in as_list(statement["Action"])
    }

    assert actions == {"dynamodb:Query"}


def test_the_functions_stream_names_the_projector_to_run():
    arn = "arn:aws:dynamodb:us-east-1:1:table/medisecure-prod-appointments/stream/2026-01-01T00:00:00.000"

    assert source_table(arn, "medisecure-prod-") == APPOINTMENTS.name
    assert source_table(arn.replace("appointments", "patients"), "medisecure-prod-") == PATIENTS.name
    assert PATIENT_PROVISIONAL.stream_view and PATIENTS.stream_view and APPOINTMENTS.stream_view
    assert projector_repository.MOST_MOVES < 100
