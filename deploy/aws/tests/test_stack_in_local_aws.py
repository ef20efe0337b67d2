"""The template, deployed into the test session's local AWS (moto in server
mode, through CloudFormation's CreateStack over HTTP), and the portal's
bootstrap finding every table it needs already there.

moto's CloudFormation does not implement every resource type the template
uses. The test deploys a copy without those resources, with every reference
to one of them replaced by a recognisable stand-in value, so that everything
around them (the roles and their policies, the task definition, the
service) is still created. LEFT_OUT names the types, and the test fails if
that list stops being true, so the README's account of it stays right."""

from __future__ import annotations

import copy
import json
import re

import pytest
from moto.cloudformation.parsing import resource_class_from_type

from deploy.aws.tests.stack_template import parameter_defaults, template
from medisecure import aws as aws_clients
from medisecure import bootstrap
from medisecure.tables import TABLES, physical_name

pytestmark = pytest.mark.django_db

ENVIRONMENT = "cfntest"
LEFT_OUT = {
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::CloudWatch::Alarm",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolDomain",
    "AWS::Cognito::UserPoolGroup",
    "AWS::IAM::RolePolicy",
    "AWS::Logs::MetricFilter",
    "AWS::S3::BucketPolicy",
    "AWS::SES::ConfigurationSet",
    "AWS::SES::ConfigurationSetEventDestination",
    "AWS::SES::EmailIdentity",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::SecretTargetAttachment",
}
# Types moto implements but creates wrongly from this template, and why.
# A property naming one of these is left off the resource that names it.
MISHANDLED = {
    # moto hands its DBInstance the group object where RDS expects the name.
    "AWS::RDS::DBParameterGroup",
}
PARAMETERS = {
    "EnvironmentName": ENVIRONMENT,
    "DomainName": "portal.clinic.example",
    "ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/medisecure:test",
    "CognitoDomainPrefix": "medisecure-cfntest",
    "SesSender": "no-reply@clinic.example",
    "EmergencyAccessNotify": "privacy@clinic.example",
    "SesIdentity": "clinic.example",
    # Given although they have defaults: moto splits a CommaDelimitedList
    # only when it is passed in.
    "PublicSubnetCidrs": parameter_defaults()["PublicSubnetCidrs"],
    "PrivateSubnetCidrs": parameter_defaults()["PrivateSubnetCidrs"],
}


def _stand_in(logical_id: str, attribute: str | None = None) -> str:
    return f"arn:aws:left-out:us-east-1:123456789012:{logical_id}" + (f"/{attribute}" if attribute else "")


def _without(value, left_out: set[str], dropped: frozenset[str] = frozenset()):
    """`value` with every reference to a left-out resource replaced, and
    any property that only names a `dropped` one removed."""
    if isinstance(value, list):
        return [_without(item, left_out, dropped) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in left_out:
        return _stand_in(value["Ref"])
    if set(value) == {"Fn::GetAtt"}:
        logical_id, attribute = value["Fn::GetAtt"]
        if logical_id in left_out:
            return _stand_in(logical_id, attribute)
    if set(value) == {"Fn::Sub"}:
        text, variables = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]

        def replace(match):
            logical_id, _, attribute = match.group(1).partition(".")
            return _stand_in(logical_id, attribute or None) if logical_id in left_out else match.group(0)

        text = re.sub(r"\$\{([^}!]+)\}", replace, text)
        return {"Fn::Sub": [text, _without(variables, left_out, dropped)] if variables else text}
    return {
        key: _without(item, left_out, dropped)
        for key, item in value.items()
        if not (isinstance(item, dict) and item.get("Ref") in dropped)
    }


def deployable_copy() -> tuple[dict, set[str]]:
    """The template without the resource types moto cannot create, and the
    set of those types."""
    full = json.loads(json.dumps(template()))  # plain dicts, as CloudFormation gets them
    left_out = {
        logical_id
        for logical_id, resource in full["Resources"].items()
        if not resource_class_from_type(resource["Type"]) or resource["Type"] in MISHANDLED
    }
    types = {full["Resources"][logical_id]["Type"] for logical_id in left_out}
    dropped = frozenset(
        logical_id for logical_id in left_out if full["Resources"][logical_id]["Type"] in MISHANDLED
    )
    kept = copy.deepcopy(full)
    kept["Resources"] = {}
    for logical_id, resource in full["Resources"].items():
        if logical_id in left_out:
            continue
        resource = _without(resource, left_out, dropped)
        depends = (
            [name for name in resource.get("DependsOn", []) if name not in left_out]
            if isinstance(resource.get("DependsOn"), list)
            else ([resource["DependsOn"]] if resource.get("DependsOn") not in left_out | {None} else [])
        )
        resource.pop("DependsOn", None)
        if depends:
            resource["DependsOn"] = depends
        kept["Resources"][logical_id] = resource
    kept["Outputs"] = {
        name: output
        for name, output in _without(full["Outputs"], left_out).items()
        if "Condition" not in output
    }
    return kept, types


# moto creates the whole stack inside CreateStack's one request: on a loaded
# machine that outlasts the portal's read timeout, and a retried CreateStack
# then finds its own stack already there.
STACK_CREATION_SECONDS = 120


def _cloudformation(settings):
    return aws_clients.build_client(
        "cloudformation",
        region=settings.AWS_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        access_key_id=settings.AWS_ACCESS_KEY_ID,
        secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        read_timeout=STACK_CREATION_SECONDS,
    )


@pytest.fixture
def deployed_stack(aws, settings):
    body, left_out = deployable_copy()
    # The load balancer's HTTPS listener needs a certificate that exists.
    certificate = aws_clients.client("acm").request_certificate(DomainName=PARAMETERS["DomainName"])[
        "CertificateArn"
    ]
    parameters = {**PARAMETERS, "CertificateArn": certificate}
    cloudformation = _cloudformation(settings)
    cloudformation.create_stack(
        StackName=f"medisecure-{ENVIRONMENT}",
        TemplateBody=json.dumps(body),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName=f"medisecure-{ENVIRONMENT}", WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    (stack,) = cloudformation.describe_stacks(StackName=f"medisecure-{ENVIRONMENT}")["Stacks"]
    created = cloudformation.describe_stack_resources(StackName=f"medisecure-{ENVIRONMENT}")["StackResources"]
    return stack, created, left_out


def test_the_stack_deploys_into_the_local_aws_without_only_the_types_moto_lacks(deployed_stack):
    stack, created, left_out = deployed_stack

    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert left_out == LEFT_OUT | MISHANDLED
    created_types = {resource["ResourceType"] for resource in created}
    assert {
        "AWS::DynamoDB::Table",
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
        "AWS::IAM::Role",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::Service",
        "AWS::RDS::DBInstance",
        "AWS::ElasticLoadBalancingV2::Listener",
    } <= created_types


def test_bootstrap_finds_every_table_of_the_deployed_stack_with_nothing_to_create(deployed_stack, settings):
    settings.TABLE_PREFIX = f"medisecure-{ENVIRONMENT}-"
    operations = []
    record = lambda model, **kwargs: operations.append(model.name)  # noqa: E731
    client = aws_clients.client("dynamodb")
    client.meta.events.register("before-parameter-build.dynamodb", record)
    try:
        report = bootstrap.ensure_tables()
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb", record)

    assert report == [f"table {physical_name(table)}: exists" for table in TABLES]
    assert "CreateTable" not in operations and "UpdateTable" not in operations


def test_the_deployed_tables_are_on_demand_and_protected_from_deletion(deployed_stack, settings):
    # Not checked here: encryption with the stack's key. moto reads a stack's
    # SSESpecification in the API's spelling (Enabled) rather than
    # CloudFormation's (SSEEnabled), so it reports no SSE for these tables;
    # test_template_matches_code checks the template's SSE settings instead.
    stack, _, _ = deployed_stack
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}
    settings.TABLE_PREFIX = outputs["TablePrefix"]

    assert settings.TABLE_PREFIX == f"medisecure-{ENVIRONMENT}-"
    for table in TABLES:
        described = aws_clients.client("dynamodb").describe_table(TableName=physical_name(table))["Table"]
        assert described["DeletionProtectionEnabled"] is True, table.name
        assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", table.name
