"""bootstrap_aws and seed_users can run any number of times: the second run
finds everything and changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from medisecure import aws, bootstrap
from medisecure.identity import cognito
from medisecure.identity.roles import Role
from medisecure.tables import TABLES, physical_name
from patients.care_team import repository as care_team
from patients.selectors import patient_get

pytestmark = pytest.mark.django_db


def _aws_state(settings):
    ddb = aws.client("dynamodb")
    tables = {}
    for table in TABLES:
        name = physical_name(table)
        described = ddb.describe_table(TableName=name)["Table"]
        tables[name] = (
            described["KeySchema"],
            sorted(index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])),
            ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"].get("AttributeName"),
            ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
                "PointInTimeRecoveryDescription"
            ]["PointInTimeRecoveryStatus"],
        )
    idp = aws.client("cognito-idp")
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = settings.COGNITO_USER_POOL_ID
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    app = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=clients[0]["ClientId"])["UserPoolClient"]
    groups = sorted(group["GroupName"] for group in idp.list_groups(UserPoolId=pool_id)["Groups"])
    s3 = aws.client("s3")
    block = s3.get_public_access_block(Bucket=settings.DOCUMENTS_BUCKET)["PublicAccessBlockConfiguration"]
    return {
        "tables": tables,
        "pools": [pool["Name"] for pool in pools],
        "clients": [(c["ClientName"], c["ClientId"]) for c in clients],
        "client_config": (
            app["AllowedOAuthFlows"],
            app["CallbackURLs"],
            app["LogoutURLs"],
            bool(app["ClientSecret"]),
        ),
        "groups": groups,
        "bucket_private": all(block.values()),
        "buckets": [b["Name"] for b in s3.list_buckets()["Buckets"]],
        "ses": aws.client("sesv2").list_configuration_sets()["ConfigurationSets"],
    }


def test_bootstrap_twice_leaves_the_same_state(local_stack, settings, tmp_path):
    local_stack.reset()
    env_file = tmp_path / "stack.env"
    first_output = StringIO()
    call_command("bootstrap_aws", write_env=str(env_file), stdout=first_output)
    ids = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    settings.COGNITO_USER_POOL_ID = ids["COGNITO_USER_POOL_ID"]
    first = _aws_state(settings)

    second_output = StringIO()
    call_command("bootstrap_aws", write_env=str(env_file), stdout=second_output)

    assert _aws_state(settings) == first
    assert "created" in first_output.getvalue()
    assert "created" not in second_output.getvalue()
    assert first["groups"] == sorted(role.value for role in Role)
    assert first["client_config"][0] == ["code"] and first["client_config"][3]
    assert first["bucket_private"] and len(first["tables"]) == len(TABLES)
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def _seed_state():
    by_email = {}
    for email in sorted(role.value for role in Role):
        user = cognito.get_pool_user(f"{email}@medisecure.test")
        by_email[email] = (user.sub, user.status, sorted(cognito.groups_of(user.email)))
    patient_sub = by_email["patient"][0]
    team = [member.provider_id for member in care_team.links_of_patient(patient_sub)]
    return by_email, team


def test_seed_users_twice_leaves_the_same_people(aws, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-Password-123!")
    first_output = StringIO()
    call_command("seed_users", stdout=first_output)
    first = _seed_state()

    second_output = StringIO()
    call_command("seed_users", stdout=second_output)

    assert _seed_state() == first
    people, team = first
    assert people["doctor"][1:] == ("CONFIRMED", ["doctor"])
    assert team == [people["doctor"][0]]
    assert patient_get(patient_id=people["patient"][0]).given_name
    assert second_output.getvalue().count("already there") == len(Role)


def test_seed_users_prints_a_generated_password_once(aws, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first, second = StringIO(), StringIO()
    call_command("seed_users", stdout=first)
    call_command("seed_users", stdout=second)

    assert "Password for the accounts created now:" in first.getvalue()
    assert "Password" not in second.getvalue()


def test_seed_users_in_production_refuses_the_demo_accounts_and_never_prints_a_password(
    aws, settings, monkeypatch
):
    from django.core.management.base import CommandError

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to create the demo accounts in production"):
        call_command("seed_users", stdout=StringIO())
    assert cognito.get_pool_user("admin@medisecure.test") is None

    output = StringIO()
    call_command("seed_users", email="head.admin@clinic.example", role="admin", stdout=output)

    assert cognito.get_pool_user("head.admin@clinic.example") is not None
    assert "Password for" not in output.getvalue() and "not shown" in output.getvalue()


def test_seed_users_creates_one_real_user_with_a_chosen_role(aws):
    output = StringIO()
    call_command(
        "seed_users",
        email="Head.Admin@Clinic.Example",
        role="admin",
        password="Chosen-Password-42!",
        stdout=output,
    )

    user = cognito.get_pool_user("head.admin@clinic.example")
    assert user.status == "CONFIRMED" and cognito.groups_of(user.email) == {"admin"}


def test_seed_users_refuses_a_password_the_pool_would_not_accept_and_creates_nothing(aws):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command(
            "seed_users", email="weak@clinic.example", role="admin", password="short", stdout=StringIO()
        )

    assert cognito.get_pool_user("weak@clinic.example") is None


def test_seed_users_finishes_a_user_left_without_a_password(aws):
    cognito.create_pool_user(
        email="half@clinic.example", given_name="", family_name="", suppress_message=True
    )

    call_command(
        "seed_users",
        email="half@clinic.example",
        role="doctor",
        password="Chosen-Password-42!",
        stdout=StringIO(),
    )

    assert cognito.get_pool_user("half@clinic.example").status == "CONFIRMED"


def test_the_secret_hash_matches_a_fixed_vector():
    # Computed independently: printf 'alice@example.testclient123' |
    # openssl dgst -sha256 -hmac s3cr3t -binary | base64
    assert (
        aws.cognito_secret_hash("alice@example.test", client_id="client123", client_secret="s3cr3t")
        == "cpQX1EzSq7vH/hGbyC0aNyoU5+YL5Uir/Jo9dvVQ6q8="
    )


def test_nothing_but_the_aws_module_builds_boto3_clients():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts
        and path.name != "aws.py"
        and re.search(r"boto3\.(client|resource|Session|session\.Session)\(", path.read_text())
    ]
    assert offenders == []


@pytest.mark.usefixtures("aws")
def test_bootstrap_gives_an_older_pool_the_signup_marker_attribute():
    idp = aws.client("cognito-idp")
    older_pool = idp.create_user_pool(PoolName="made-before-signup")["UserPool"]["Id"]

    first = bootstrap._ensure_custom_attributes(idp, older_pool)
    second = bootstrap._ensure_custom_attributes(idp, older_pool)

    described = idp.describe_user_pool(UserPoolId=older_pool)["UserPool"]
    (marker,) = [a for a in described["SchemaAttributes"] if a["Name"] == cognito.SIGNUP_ATTRIBUTE]
    assert marker["Mutable"] is False
    assert first.endswith("added") and second.endswith("exists")
