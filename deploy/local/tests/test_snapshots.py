"""A snapshot of the local stack brings back exactly what was saved: what a
test added after it is gone, what it changed is as it was, the services that
lean on one another still do, and a reset in between does not lose it. The
whole suite restores one before each test (conftest.py), so a leak here
would let one test see another's data."""

from __future__ import annotations

import json
import urllib.request

import pytest
import requests

from deploy.local.tests.conftest import aws_client

TABLE = "snapshot-test"


@pytest.fixture
def dynamodb(local_stack):
    local_stack.reset()
    client = aws_client("dynamodb", local_stack)
    client.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName=TABLE, Item={"id": {"S": "kept"}, "value": {"S": "as saved"}})
    return client


def _item(dynamodb, key: str):
    return dynamodb.get_item(TableName=TABLE, Key={"id": {"S": key}}).get("Item")


def _sent_subjects(local_stack) -> list[str]:
    with urllib.request.urlopen(f"{local_stack.url}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    return [message["subject"] for message in data.get("ses", {}).get("Message", [])]


def _send(local_stack, subject: str) -> None:
    aws_client("sesv2", local_stack).send_email(
        FromEmailAddress="clinic@example.com",
        Destination={"ToAddresses": ["patient@example.com"]},
        Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello"}}}},
    )


def test_a_restore_undoes_every_write_made_after_the_snapshot(local_stack, dynamodb):
    local_stack.save_snapshot("writes")
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "added"}})
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "kept"}, "value": {"S": "changed"}})
    dynamodb.create_table(
        TableName="made-later",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )

    local_stack.restore_snapshot("writes")

    assert _item(dynamodb, "added") is None
    assert _item(dynamodb, "kept")["value"] == {"S": "as saved"}
    assert dynamodb.list_tables()["TableNames"] == [TABLE]


def test_a_test_s_changes_never_reach_the_snapshot_itself(local_stack, dynamodb):
    local_stack.save_snapshot("untouched")
    local_stack.restore_snapshot("untouched")
    dynamodb.put_item(TableName=TABLE, Item={"id": {"S": "kept"}, "value": {"S": "changed"}})

    local_stack.restore_snapshot("untouched")

    assert _item(dynamodb, "kept")["value"] == {"S": "as saved"}


def test_a_snapshot_survives_a_reset(local_stack, dynamodb):
    local_stack.save_snapshot("across-reset")
    local_stack.reset()
    assert dynamodb.list_tables()["TableNames"] == []

    local_stack.restore_snapshot("across-reset")

    assert _item(dynamodb, "kept")["value"] == {"S": "as saved"}


def test_mail_sent_after_a_restore_is_in_the_outbox_and_mail_before_it_is_not(local_stack, dynamodb):
    aws_client("ses", local_stack).verify_email_identity(EmailAddress="clinic@example.com")
    local_stack.save_snapshot("mail")
    _send(local_stack, "before the restore")

    local_stack.restore_snapshot("mail")
    # SES v2 keeps its messages in SES's backend: both must be the live ones.
    _send(local_stack, "after the restore")

    assert _sent_subjects(local_stack) == ["after the restore"]
    outbox = requests.get(f"{local_stack.url}/_outbox/", timeout=10).text
    assert "after the restore" in outbox
    assert "before the restore" not in outbox


def test_restoring_a_snapshot_never_saved_is_refused(local_stack):
    response = requests.post(f"{local_stack.url}/_local/snapshots/never-saved/restore", timeout=10)
    assert response.status_code == 404


def test_a_bucket_made_after_the_snapshot_is_gone_and_its_name_free_again(local_stack, dynamodb):
    s3 = aws_client("s3", local_stack)
    s3.create_bucket(Bucket="snapshot-kept")
    local_stack.save_snapshot("buckets")
    s3.create_bucket(Bucket="snapshot-later")

    local_stack.restore_snapshot("buckets")

    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["snapshot-kept"]
    s3.create_bucket(Bucket="snapshot-later")  # S3's names are global: this one must be free
