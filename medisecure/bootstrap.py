"""Creates whatever AWS resources are missing and leaves existing ones alone.

Written for a real account as much as for the local stack: every step first
looks, then creates only what is absent. Each step returns lines saying what
it found or made, for the command to print."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError
from django.conf import settings

from medisecure import aws
from medisecure.identity.cognito import SIGNUP_ATTRIBUTE, SIGNUP_ATTRIBUTE_SCHEMA
from medisecure.identity.oidc import logout_urls
from medisecure.identity.roles import Role
from medisecure.passwords import PASSWORD_POLICY
from medisecure.tables import TABLES, Table, physical_name

OAUTH_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]


@dataclass(frozen=True)
class PoolIds:
    user_pool_id: str
    client_id: str
    client_secret: str


def ensure_tables() -> list[str]:
    client = aws.client("dynamodb")
    report = []
    for table in TABLES:
        report.append(_ensure_table(client, table))
    return report


def ensure_table(table: Table) -> str:
    """One table outside TABLES: the local demo's own markers."""
    return _ensure_table(aws.client("dynamodb"), table)


def _ensure_table(client, table: Table) -> str:
    name = physical_name(table)
    try:
        existing = client.describe_table(TableName=name)["Table"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        existing = None
    if existing is None:
        client.create_table(**_table_definition(table))
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        outcome = "created"
    else:
        outcome = _add_missing_indexes(client, table, existing)
        outcome += _ensure_stream(client, table, existing)
    _ensure_ttl(client, table)
    _ensure_point_in_time_recovery(client, name)
    return f"table {name}: {outcome}"


def _key_schema(partition, sort) -> list[dict]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def _index_definition(index) -> dict:
    return {
        "IndexName": index.name,
        "KeySchema": _key_schema(index.partition, index.sort),
        "Projection": {"ProjectionType": "ALL"},
    }


def _table_definition(table: Table) -> dict:
    definition = {
        "TableName": physical_name(table),
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _key_schema(table.partition, table.sort),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind} for name, kind in table.key_attributes().items()
        ],
        "SSESpecification": {"Enabled": True},
        "DeletionProtectionEnabled": settings.IS_PRODUCTION,
    }
    if table.stream_view:
        definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream_view}
    if table.indexes:
        definition["GlobalSecondaryIndexes"] = [_index_definition(index) for index in table.indexes]
    return definition


def _add_missing_indexes(client, table: Table, existing: dict) -> str:
    present = {index["IndexName"] for index in existing.get("GlobalSecondaryIndexes", [])}
    missing = [index for index in table.indexes if index.name not in present]
    for index in missing:
        # DynamoDB accepts one new index per UpdateTable call.
        client.update_table(
            TableName=physical_name(table),
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind}
                for name, kind in table.key_attributes().items()
            ],
            GlobalSecondaryIndexUpdates=[{"Create": _index_definition(index)}],
        )
    return f"exists, added indexes {', '.join(i.name for i in missing)}" if missing else "exists"


def _ensure_stream(client, table: Table, existing: dict) -> str:
    """A table made before its stream was wanted gains it."""
    if not table.stream_view or existing.get("StreamSpecification", {}).get("StreamEnabled"):
        return ""
    client.update_table(
        TableName=physical_name(table),
        StreamSpecification={"StreamEnabled": True, "StreamViewType": table.stream_view},
    )
    return ", stream enabled"


def _ensure_ttl(client, table: Table) -> None:
    if not table.ttl_attribute:
        return
    name = physical_name(table)
    status = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )


def _ensure_point_in_time_recovery(client, name: str) -> None:
    backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    pitr = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    if pitr != "ENABLED":
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )


def ensure_user_pool() -> tuple[PoolIds, list[str]]:
    client = aws.client("cognito-idp")
    report = []
    pool_id = _find_pool(client, settings.COGNITO_USER_POOL_NAME)
    if pool_id:
        report.append(f"user pool {settings.COGNITO_USER_POOL_NAME}: exists ({pool_id})")
    else:
        pool_id = client.create_user_pool(**pool_definition())["UserPool"]["Id"]
        report.append(f"user pool {settings.COGNITO_USER_POOL_NAME}: created ({pool_id})")
    report.append(_ensure_domain(client, pool_id))
    report.append(_ensure_custom_attributes(client, pool_id))
    report += _ensure_groups(client, pool_id)
    client_id, line = _ensure_app_client(client, pool_id)
    report.append(line)
    secret = client.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"][
        "ClientSecret"
    ]
    return PoolIds(pool_id, client_id, secret), report


def _find_pool(client, name: str) -> str | None:
    for page in client.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page.get("UserPools", []):
            if pool["Name"] == name:
                return pool["Id"]
    return None


# People sign in with their email as it is now: the pool names each user by
# their sub and finds them by their address, so a changed address signs in
# and the old one no longer does, and no two users share an address. Fixed
# when a pool is made: changing it means a new pool (README, "Moving people
# to a new user pool"). The local stack's own test pool is made with it too.
SIGN_IN_BY_EMAIL = {
    "UsernameAttributes": ["email"],
    "UsernameConfiguration": {"CaseSensitive": False},
}


def pool_definition() -> dict:
    """The user pool as the portal needs it. deploy/aws/template.yaml declares
    the same pool; a test compares them."""
    return {
        "PoolName": settings.COGNITO_USER_POOL_NAME,
        "Policies": {"PasswordPolicy": PASSWORD_POLICY},
        "Schema": [SIGNUP_ATTRIBUTE_SCHEMA],
        # Optional pool-wide: the portal requires TOTP of staff roles itself.
        "MfaConfiguration": "OPTIONAL",
        "AutoVerifiedAttributes": ["email"],
        **SIGN_IN_BY_EMAIL,
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED" if settings.IS_PRODUCTION else "OFF"},
        "DeletionProtection": "ACTIVE" if settings.IS_PRODUCTION else "INACTIVE",
        # A new email address takes effect only once its code is entered: until
        # then the verified one goes on signing in and receiving mail.
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
    }


def _ensure_domain(client, pool_id: str) -> str:
    pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    if pool.get("Domain"):
        return f"hosted UI domain {pool['Domain']}: exists"
    client.create_user_pool_domain(Domain=settings.COGNITO_DOMAIN_PREFIX, UserPoolId=pool_id)
    return f"hosted UI domain {settings.COGNITO_DOMAIN_PREFIX}: created"


def _ensure_custom_attributes(client, pool_id: str) -> str:
    """A pool made before self-signup existed gains its marker attribute
    (custom attributes can be added to a pool, never removed)."""
    pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    present = {attribute["Name"] for attribute in pool.get("SchemaAttributes", [])}
    if SIGNUP_ATTRIBUTE in present:
        return f"attribute {SIGNUP_ATTRIBUTE}: exists"
    client.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[SIGNUP_ATTRIBUTE_SCHEMA])
    return f"attribute {SIGNUP_ATTRIBUTE}: added"


def _ensure_groups(client, pool_id: str) -> list[str]:
    present = {
        group["GroupName"]
        for page in client.get_paginator("list_groups").paginate(UserPoolId=pool_id)
        for group in page.get("Groups", [])
    }
    report = []
    for role in Role:
        if role.value in present:
            report.append(f"group {role.value}: exists")
        else:
            client.create_group(
                UserPoolId=pool_id, GroupName=role.value, Description=f"MediSecure {role.value}s"
            )
            report.append(f"group {role.value}: created")
    return report


def _ensure_app_client(client, pool_id: str) -> tuple[str, str]:
    for page in client.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
        for app in page.get("UserPoolClients", []):
            if app["ClientName"] == settings.COGNITO_APP_CLIENT_NAME:
                return app["ClientId"], f"app client {settings.COGNITO_APP_CLIENT_NAME}: exists"
    created = client.create_user_pool_client(UserPoolId=pool_id, **app_client_definition(settings.SITE_URL))[
        "UserPoolClient"
    ]
    return created["ClientId"], f"app client {settings.COGNITO_APP_CLIENT_NAME}: created"


SELF_WRITABLE_ATTRIBUTES = ("given_name", "family_name")
EXPLICIT_AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


def app_client_definition(site_url: str) -> dict:
    """The portal's app client: a secret, the code flow (the portal adds
    PKCE), and only the portal's own callback and sign-out landings.
    deploy/aws/template.yaml declares the same client; a test compares them."""
    return {
        "ClientName": settings.COGNITO_APP_CLIENT_NAME,
        "GenerateSecret": True,
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": OAUTH_SCOPES,
        "SupportedIdentityProviders": ["COGNITO"],
        "CallbackURLs": [f"{site_url}/oidc/callback/"],
        "LogoutURLs": logout_urls(site_url),
        # What a person may change about themselves with their own access
        # token: their names. Never their email (the portal's record of who
        # they are) nor a custom attribute (custom:signup_id marks accounts).
        "WriteAttributes": list(SELF_WRITABLE_ATTRIBUTES),
        # No password sign-in through the API (USER_PASSWORD_AUTH would let
        # anyone with the client's id and secret try passwords around the
        # hosted UI); people sign in at the hosted UI, the portal refreshes.
        "ExplicitAuthFlows": list(EXPLICIT_AUTH_FLOWS),
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "AccessTokenValidity": 60,
        "IdTokenValidity": 60,
        "RefreshTokenValidity": 12,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "hours"},
    }


def ensure_bucket() -> str:
    s3 = aws.client("s3")
    bucket = settings.DOCUMENTS_BUCKET
    try:
        s3.head_bucket(Bucket=bucket)
        outcome = "exists"
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs = {"Bucket": bucket}
        if settings.AWS_REGION != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": settings.AWS_REGION}
        s3.create_bucket(**kwargs)
        outcome = "created"
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
            ]
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return f"bucket {bucket}: {outcome}, private, encrypted, versioned"


def ensure_archive_bucket() -> str:
    """The audit archive: Object Lock in COMPLIANCE mode with a default
    retention of seven years (so no one, root included, can delete or
    overwrite a version before then), versioned (Object Lock requires it),
    private and encrypted. deploy/aws/template.yaml declares the same bucket
    with its own KMS key."""
    s3 = aws.client("s3")
    bucket = settings.AUDIT_ARCHIVE_BUCKET
    try:
        s3.head_bucket(Bucket=bucket)
        outcome = "exists"
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict = {"Bucket": bucket, "ObjectLockEnabledForBucket": True}
        if settings.AWS_REGION != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": settings.AWS_REGION}
        s3.create_bucket(**kwargs)
        outcome = "created"
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=archive_lock_configuration())
    return (
        f"bucket {bucket}: {outcome}, object lock COMPLIANCE {settings.AUDIT_ARCHIVE_RETENTION_YEARS} years"
    )


def archive_lock_configuration() -> dict:
    return {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": settings.AUDIT_ARCHIVE_RETENTION_YEARS}},
    }


def ensure_email() -> list[str]:
    ses = aws.client("sesv2")
    report = []
    sender = settings.SES_SENDER
    try:
        ses.get_email_identity(EmailIdentity=sender)
        report.append(f"SES identity {sender}: exists")
    except ClientError as error:
        if error.response["Error"]["Code"] != "NotFoundException":
            raise
        ses.create_email_identity(EmailIdentity=sender)
        report.append(f"SES identity {sender}: created")
    existing_sets = set(ses.list_configuration_sets().get("ConfigurationSets", []))
    if settings.SES_CONFIGURATION_SET in existing_sets:
        report.append(f"SES configuration set {settings.SES_CONFIGURATION_SET}: exists")
    else:
        ses.create_configuration_set(ConfigurationSetName=settings.SES_CONFIGURATION_SET)
        report.append(f"SES configuration set {settings.SES_CONFIGURATION_SET}: created")
    return report
