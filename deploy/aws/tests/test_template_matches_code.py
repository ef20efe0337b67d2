"""The stack in template.yaml and the code agree: the same tables, keys,
indexes and TTL attributes as medisecure/tables.py; the user pool, groups
and app client as bootstrap makes them; and a task role that allows exactly
the AWS operations the code makes (read from the source by code_calls)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse

from deploy.aws.tests import code_calls as scan
from deploy.aws.tests.stack_template import (
    as_list,
    container,
    parameter_defaults,
    resolve,
    resources,
    task_role_statements,
    template,
)
from medisecure import bootstrap
from medisecure.identity.oidc import logout_urls
from medisecure.identity.roles import Role
from medisecure.tables import AUDIT_LOGS, TABLES, Table

SITE = "portal.clinic.example"
PARAMETERS = {**parameter_defaults(), "DomainName": SITE, "AWS::Region": "us-east-1"}

# Allowed ahead of the code that will use them, by features being built now.
# Each entry must go as soon as the code makes the call (a test below says
# so), and the comparison is exact again.
PROVISIONED_AHEAD: dict[str, str] = {}
ENVIRONMENT_AHEAD: dict[str, str] = {}

# S3 operations -> the IAM action that authorises them.
S3_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadObject": "s3:GetObject",
    "GetObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "DeleteObject": "s3:DeleteObject",
}


# ------------------------------------------------------------------ helpers
def _tables_in_template() -> dict[str, tuple[str, dict]]:
    """medisecure.tables name -> (logical id, properties)."""
    prefix = resolve(_environment()["TABLE_PREFIX"], PARAMETERS)
    found = {}
    for logical_id, resource in resources("AWS::DynamoDB::Table").items():
        name = resolve(resource["Properties"]["TableName"], PARAMETERS)
        assert name.startswith(prefix), (
            f"{logical_id}: {name} does not start with the container's TABLE_PREFIX"
        )
        found[name.removeprefix(prefix)] = (logical_id, resource)
    return found


def _key_schema(partition, sort) -> list[dict]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def _expected_indexes(table: Table) -> dict[str, dict]:
    return {
        index.name: {
            "KeySchema": _key_schema(index.partition, index.sort),
            "Projection": {"ProjectionType": "ALL"},
        }
        for index in table.indexes
    }


def _environment() -> dict:
    return {entry["Name"]: entry["Value"] for entry in container()["Environment"]}


def _table_by_logical_id() -> dict[str, str]:
    return {logical_id: name for name, (logical_id, _) in _tables_in_template().items()}


def _dynamodb_resource(resource) -> tuple[str, str | None]:
    """A task-role resource as (table, index): `!GetAtt XTable.Arn` or
    `!Sub "${XTable.Arn}/index/Name"`. Anything broader fails."""
    tables = _table_by_logical_id()
    if "Fn::GetAtt" in resource:
        logical_id, attribute = resource["Fn::GetAtt"]
        assert attribute == "Arn" and logical_id in tables, resource
        return tables[logical_id], None
    text = resource["Fn::Sub"]
    assert isinstance(text, str) and text.startswith("${") and "/index/" in text, resource
    reference, index = text[2:].split("}/index/")
    logical_id = reference.removesuffix(".Arn")
    assert logical_id in tables and "*" not in index, resource
    return tables[logical_id], index


def _allowed(prefix: str) -> list[tuple[str, object]]:
    """(action, resource) for every Allow in the task role whose action
    starts with `prefix`."""
    pairs = []
    for statement in task_role_statements():
        if statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            if action.startswith(prefix):
                pairs += [(action, resource) for resource in as_list(statement["Resource"])]
    return pairs


def _code_calls(service: str) -> set[scan.Call]:
    return {call for call in scan.code_calls() if call.service == service}


def _describe(pairs) -> str:
    return "\n  ".join(sorted(" ".join(str(part) for part in pair if part) for pair in pairs)) or "(none)"


# ------------------------------------------------------------------ tables
def test_the_template_defines_exactly_the_tables_the_code_defines():
    assert sorted(_tables_in_template()) == sorted(table.name for table in TABLES)


@pytest.mark.parametrize("table", TABLES, ids=[table.name for table in TABLES])
def test_each_table_has_the_codes_keys_indexes_and_ttl(table):
    logical_id, resource = _tables_in_template()[table.name]
    properties = resource["Properties"]

    assert properties["KeySchema"] == _key_schema(table.partition, table.sort), logical_id
    definitions = {
        item["AttributeName"]: item["AttributeType"] for item in properties["AttributeDefinitions"]
    }
    assert definitions == table.key_attributes(), logical_id
    indexes = {
        index["IndexName"]: {"KeySchema": index["KeySchema"], "Projection": index["Projection"]}
        for index in properties.get("GlobalSecondaryIndexes", [])
    }
    assert indexes == _expected_indexes(table), logical_id
    ttl = properties.get("TimeToLiveSpecification")
    if table.ttl_attribute:
        assert ttl == {"AttributeName": table.ttl_attribute, "Enabled": True}, logical_id
    else:
        assert ttl is None, f"{logical_id}: the code sets no TTL on {table.name}"
    stream = properties.get("StreamSpecification")
    if table.stream_view:
        assert stream == {"StreamViewType": table.stream_view}, logical_id
    else:
        assert stream is None, f"{logical_id}: the code reads no stream of {table.name}"


@pytest.mark.parametrize("table", TABLES, ids=[table.name for table in TABLES])
def test_each_table_is_on_demand_recoverable_encrypted_with_the_data_key_and_kept(table):
    _, resource = _tables_in_template()[table.name]
    properties = resource["Properties"]

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]},
    }
    assert properties["DeletionProtectionEnabled"] is True
    assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


def test_the_data_key_rotates_and_outlives_the_stack():
    key = resources("AWS::KMS::Key")["DataKey"]

    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


# ------------------------------------------------------------------ sign-in
def test_the_user_pool_is_the_one_bootstrap_makes_in_production(settings):
    settings.IS_PRODUCTION = True
    expected = bootstrap.pool_definition()
    expected.pop("PoolName")  # named per environment in the stack
    (pool,) = resources("AWS::Cognito::UserPool").values()
    properties = dict(pool["Properties"])

    assert {key: properties.get(key) for key in expected} == expected
    # What only the stack says: its name, TOTP as the MFA on offer, and the
    # tier advanced security ("threat protection") needs.
    assert set(properties) - set(expected) == {"UserPoolName", "EnabledMfas", "UserPoolTier"}
    assert properties["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert properties["UserPoolTier"] == "PLUS"


def test_the_pool_has_one_group_per_role():
    groups = resources("AWS::Cognito::UserPoolGroup").values()

    assert sorted(group["Properties"]["GroupName"] for group in groups) == sorted(role.value for role in Role)
    assert all(group["Properties"]["UserPoolId"] == {"Ref": "UserPool"} for group in groups)


def test_the_app_client_is_the_one_bootstrap_makes_for_the_sites_url():
    (client,) = resources("AWS::Cognito::UserPoolClient").values()
    properties = resolve(client["Properties"], PARAMETERS)
    site_url = f"https://{SITE}"

    assert properties.pop("UserPoolId") == "<UserPool>"
    assert properties == bootstrap.app_client_definition(site_url)
    assert properties["LogoutURLs"] == logout_urls(site_url)
    assert properties["CallbackURLs"] == [f"{site_url}{reverse('oidc_authentication_callback')}"]


def test_the_container_is_told_the_pool_client_and_hosted_ui_the_stack_made():
    environment = _environment()
    secrets = {entry["Name"]: entry["ValueFrom"] for entry in container()["Secrets"]}

    assert environment["COGNITO_USER_POOL_ID"] == {"Ref": "UserPool"}
    assert environment["COGNITO_APP_CLIENT_ID"] == {"Ref": "PortalAppClient"}
    assert environment["COGNITO_DOMAIN_PREFIX"] == {"Ref": "CognitoDomainPrefix"}
    assert resources("AWS::Cognito::UserPoolDomain")["UserPoolDomain"]["Properties"]["Domain"] == {
        "Ref": "CognitoDomainPrefix"
    }
    client_secret = resources("AWS::SecretsManager::Secret")[secrets["COGNITO_APP_CLIENT_SECRET"]["Ref"]]
    assert client_secret["Properties"]["SecretString"] == {"Fn::GetAtt": ["PortalAppClient", "ClientSecret"]}


# ------------------------------------------------------------------ the task role
def test_the_task_role_allows_exactly_the_dynamodb_calls_the_code_makes():
    used = {(f"dynamodb:{call.operation}", call.table, call.index) for call in _code_calls("dynamodb")}
    allowed = {(action, *_dynamodb_resource(resource)) for action, resource in _allowed("dynamodb:")}

    assert allowed == used, (
        f"\nthe code makes these calls the task role does not allow:\n  {_describe(used - allowed)}"
        f"\nthe task role allows these the code never makes:\n  {_describe(allowed - used)}"
        "\n(TaskRole in deploy/aws/template.yaml: one statement per action, naming the table"
        " ARN or its /index/<name>)"
    )


def test_no_dynamodb_allowance_reaches_beyond_named_tables_and_indexes_or_scans():
    for statement in task_role_statements():
        actions = as_list(statement["Action"])
        if all(action.startswith("xray:") for action in actions):
            continue  # X-Ray has no resources to name (test_observability_stack.py)
        assert all("*" not in action for action in actions if statement["Effect"] == "Allow"), statement
        assert "dynamodb:Scan" not in actions or statement["Effect"] == "Deny"
        assert all(resource != "*" for resource in as_list(statement["Resource"])), statement


def test_the_audit_table_can_only_be_appended_to_and_read():
    audit_actions = {
        action
        for action, resource in _allowed("dynamodb:")
        if _dynamodb_resource(resource)[0] == AUDIT_LOGS.name
    }
    (deny,) = [statement for statement in task_role_statements() if statement["Effect"] == "Deny"]

    assert audit_actions == {
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:DescribeTable",
    }
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= set(deny["Action"])
    # Nor may it rewrite TTL by any call IAM can name, or stop the stream to the archive.
    assert {"dynamodb:UpdateTimeToLive", "dynamodb:UpdateTable", "dynamodb:PartiQLUpdate"} <= set(
        deny["Action"]
    )
    assert deny["Resource"][0] == {"Fn::GetAtt": ["AuditLogsTable", "Arn"]}


def test_the_task_role_allows_exactly_the_cognito_calls_that_need_iam():
    used = {
        f"cognito-idp:{call.operation}"
        for call in _code_calls("cognito-idp")
        if not scan.needs_no_iam("cognito-idp", call.operation)
    }
    pairs = _allowed("cognito-idp:")

    assert {action for action, _ in pairs} == used
    assert {str(resource) for _, resource in pairs} == {str({"Fn::GetAtt": ["UserPool", "Arn"]})}


@pytest.mark.django_db
def test_the_task_role_allows_exactly_the_s3_calls_of_the_code_and_the_document_storage(aws, settings):
    # The code's own S3 client calls, plus what the two django-storages
    # storages (configured in settings) send: the licence scans' default one
    # writes, reads, links and deletes; the patients' documents one writes
    # without overwriting, checks an object is there, and links.
    used = {S3_ACTIONS[call.operation] for call in _code_calls("s3")}
    signed, keys = [], []
    record_operation = lambda operation_name=None, **kwargs: signed.append(operation_name)  # noqa: E731
    record_key = lambda params, **kwargs: keys.append(params.get("Key"))  # noqa: E731
    documents = storages["documents"]
    clients = [storage.connection.meta.client for storage in (default_storage, documents)]
    for client in clients:
        client.meta.events.register("before-sign.s3", record_operation)
        client.meta.events.register("before-parameter-build.s3", record_key)
    try:
        name = default_storage.save("lab-result.pdf", ContentFile(b"%PDF-1.4 a lab result"))
        with default_storage.open(name) as stored:
            assert stored.read() == b"%PDF-1.4 a lab result"
        default_storage.url(name)
        default_storage.delete(name)
        name = documents.save("files/lab-result", ContentFile(b"%PDF-1.4 a lab result"))
        assert documents.exists(name)
        documents.url(name)
    finally:
        for client in clients:
            client.meta.events.unregister("before-sign.s3", record_operation)
            client.meta.events.unregister("before-parameter-build.s3", record_key)
    used |= {S3_ACTIONS[operation] for operation in signed}
    prefix = settings.DOCUMENTS_KEY_PREFIX

    assert {action for action, _ in _allowed("s3:")} == used
    assert keys and all(key.startswith(prefix) for key in keys if key)
    for action, resource in _allowed("s3:"):
        if resource == {"Fn::GetAtt": ["AuditArchiveBucket", "Arn"]}:
            assert action == "s3:ListBucket", "the task role may only list the audit archive"
            continue
        expected = (
            {"Fn::GetAtt": ["DocumentsBucket", "Arn"]}
            if action == "s3:ListBucket"
            else {"Fn::Sub": f"${{DocumentsBucket.Arn}}/{prefix}*"}
        )
        assert resource == expected, action
    assert _environment()["DOCUMENTS_KEY_PREFIX"] == prefix


def test_listing_the_bucket_is_held_to_the_documents_prefix(settings):
    (statement,) = [
        s
        for s in task_role_statements()
        if s.get("Action") == "s3:ListBucket" and s["Resource"] == {"Fn::GetAtt": ["DocumentsBucket", "Arn"]}
    ]

    assert statement["Condition"] == {
        "StringLikeIfExists": {"s3:prefix": f"{settings.DOCUMENTS_KEY_PREFIX}*"}
    }


def test_email_may_only_be_sent_from_the_configured_identity_through_the_configured_set():
    used = {f"ses:{call.operation}" for call in _code_calls("sesv2")}
    ses_statements = [s for s in task_role_statements() if str(s["Action"]).startswith("ses:")]
    granted = {action for s in ses_statements for action in as_list(s["Action"])}
    (statement,) = [s for s in ses_statements if "ses:SendEmail" in as_list(s["Action"])]

    assert granted == used | set(PROVISIONED_AHEAD)
    assert as_list(statement["Action"]) == ["ses:SendEmail"]
    assert resolve(statement["Resource"], PARAMETERS) == [
        "arn:<AWS::Partition>:ses:us-east-1:<AWS::AccountId>:identity/<SesIdentity>",
        "arn:<AWS::Partition>:ses:us-east-1:<AWS::AccountId>:configuration-set/<SesConfigurationSet>",
    ]
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SesSender"}}}
    assert _environment()["SES_SENDER"] == {"Ref": "SesSender"}
    assert _environment()["SES_CONFIGURATION_SET"] == {"Ref": "SesConfigurationSet"}


def test_the_health_check_may_only_read_the_configured_set():
    (statement,) = [s for s in task_role_statements() if s.get("Action") == "ses:GetConfigurationSet"]

    assert resolve(statement["Resource"], PARAMETERS) == (
        "arn:<AWS::Partition>:ses:us-east-1:<AWS::AccountId>:configuration-set/<SesConfigurationSet>"
    )


def test_what_was_provisioned_ahead_of_the_code_is_not_yet_used_by_it():
    # When the code starts making one of these calls or reading one of these
    # variables, remove it from PROVISIONED_AHEAD / ENVIRONMENT_AHEAD: the
    # comparisons above are then exact for it.
    called = {f"ses:{call.operation}" for call in _code_calls("sesv2")}
    read = _names_the_code_reads()

    assert not called & set(PROVISIONED_AHEAD)
    assert not read & set(ENVIRONMENT_AHEAD)


def test_the_data_key_is_usable_only_through_dynamodb_and_s3():
    (statement,) = [s for s in task_role_statements() if str(s["Action"]).find("kms:") >= 0]

    assert statement["Resource"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert resolve(statement["Condition"], PARAMETERS) == {
        "StringEquals": {"kms:ViaService": ["dynamodb.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"]}
    }


def test_every_permission_the_task_role_grants_is_accounted_for():
    services = {action.split(":")[0] for action, _ in _allowed("")}

    # xray: the tracing sidecar (deploy/aws/tests/test_observability_stack.py).
    assert services == {"dynamodb", "cognito-idp", "s3", "ses", "kms", "xray"}


# ------------------------------------------------------------------ the container
def _names_the_code_reads() -> set[str]:
    sources = [path.read_text() for path in scan.runtime_modules()]
    sources.append((scan.REPO / "deploy/aws/gunicorn.conf.py").read_text())
    names = {entry["Name"] for entry in container()["Environment"]} | {
        entry["Name"] for entry in container()["Secrets"]
    }
    return {name for name in names if any(f'"{name}"' in source for source in sources)}


def test_every_variable_the_container_gets_is_one_the_code_reads():
    given = {entry["Name"] for entry in container()["Environment"]} | {
        entry["Name"] for entry in container()["Secrets"]
    }

    assert given - _names_the_code_reads() == set(ENVIRONMENT_AHEAD)


def test_the_secrets_come_from_secrets_manager_and_only_there():
    secrets = {entry["Name"]: entry["ValueFrom"] for entry in container()["Secrets"]}
    stored = resources("AWS::SecretsManager::Secret")
    execution_role = resources("AWS::IAM::Role")["TaskExecutionRole"]
    (readable,) = [
        statement["Resource"]
        for policy in execution_role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Action"] == "secretsmanager:GetSecretValue"
    ]

    assert set(secrets) == {
        "DJANGO_SECRET_KEY",
        "COGNITO_APP_CLIENT_SECRET",
        "SIGNUP_SECRET_KEY",
        "DATABASE_PASSWORD",
    }
    assert not set(secrets) & set(_environment())
    referenced = {
        value["Ref"] if "Ref" in value else value["Fn::Sub"].split("}")[0][2:] for value in secrets.values()
    }
    assert referenced == set(stored) == {item["Ref"] for item in readable}
    assert all(secret["Properties"]["KmsKeyId"] == {"Ref": "DataKey"} for secret in stored.values())


def test_the_load_balancer_checks_healthz_on_the_port_gunicorn_listens_on():
    target_group = resources("AWS::ElasticLoadBalancingV2::TargetGroup")["TargetGroup"]["Properties"]
    (port,) = container()["PortMappings"]
    listeners = {
        listener["Properties"]["Protocol"]: listener["Properties"]
        for listener in resources("AWS::ElasticLoadBalancingV2::Listener").values()
    }

    assert target_group["HealthCheckPath"] == reverse("healthz")
    assert target_group["Port"] == port["ContainerPort"] == 8000
    assert listeners["HTTPS"]["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    assert listeners["HTTP"]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"


def test_the_documents_bucket_is_private_encrypted_with_the_data_key_versioned_and_tls_only():
    bucket = resources("AWS::S3::Bucket")["DocumentsBucket"]["Properties"]
    policy = resources("AWS::S3::BucketPolicy")["DocumentsBucketPolicy"]["Properties"]["PolicyDocument"]
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]

    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]},
    }
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert any("NoncurrentVersionExpiration" in rule for rule in bucket["LifecycleConfiguration"]["Rules"])
    tls = next(statement for statement in policy["Statement"] if statement["Sid"] == "TlsOnly")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert _environment()["DOCUMENTS_KMS_KEY_ID"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


def test_the_template_has_parameters_for_what_differs_between_clinics_and_says_where_things_are():
    parameters = template()["Parameters"]
    outputs = template()["Outputs"]

    assert {"EnvironmentName", "DomainName", "CertificateArn", "SesSender", "ImageUri"} <= set(parameters)
    assert {
        "PortalUrl",
        "LoadBalancerDnsName",
        "ClusterName",
        "RunTaskNetworkConfiguration",
        "UserPoolId",
    } <= set(outputs)
