"""The source reading that the task role is compared with (code_calls.py)
sees what it must: each kind of call site, and every call a real run makes."""

from __future__ import annotations

import pytest

from deploy.aws.tests.code_calls import TRANSACTION_ENTRIES, Call, ScanError, code_calls, scan_source
from medisecure import aws
from portal import seeding
from tests.support import TEST_PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def _keys(calls) -> set[tuple]:
    return {call.key() for call in calls}


def test_it_sees_a_raw_client_call_and_the_table_it_names():
    source = """
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS

def rewrite(event_id):
    dynamo.client().update_item(TableName=dynamo.name(AUDIT_LOGS), Key={})
"""
    assert _keys(scan_source(source)) == {("dynamodb", "UpdateItem", "audit-logs", None)}


def test_it_sees_each_entry_of_a_transaction_by_the_action_that_authorises_it():
    source = """
from medisecure import dynamo
from medisecure.tables import APPOINTMENTS, SLOT_LOCKS

def cancel(appointment_id, lock_id):
    table = dynamo.name(SLOT_LOCKS)
    dynamo.client().transact_write_items(TransactItems=[
        {"Delete": {"TableName": table, "Key": {}}},
        {"Update": {"TableName": dynamo.name(APPOINTMENTS), "Key": {}}},
        {"ConditionCheck": {"TableName": dynamo.name(APPOINTMENTS), "Key": {}}},
    ])
"""
    assert _keys(scan_source(source)) == {
        ("dynamodb", "DeleteItem", "slot-locks", None),
        ("dynamodb", "UpdateItem", "appointments", None),
        ("dynamodb", "ConditionCheckItem", "appointments", None),
    }


def test_it_sees_each_write_added_to_a_unit_of_work_where_its_repository_names_the_table():
    source = """
from boto3.dynamodb.conditions import Attr
from medisecure import dynamo
from medisecure.tables import APPOINTMENTS, PATIENTS, SLOT_LOCKS

def locks_take(tx, lock):
    tx.add(dynamo.put_entry(SLOT_LOCKS, lock, Attr("lockId").not_exists()), refused=SlotTaken)

def appointment_remove(tx, appointment_id):
    tx.add(dynamo.delete_entry(APPOINTMENTS, {"appointmentId": appointment_id}))

def patient_read(patient_id):
    return dynamo.ItemRead(PATIENTS, {"patientId": patient_id}, parse)
"""
    assert _keys(scan_source(source)) == {
        ("dynamodb", "PutItem", "slot-locks", None),
        ("dynamodb", "DeleteItem", "appointments", None),
        ("dynamodb", "BatchGetItem", "patients", None),
    }


def test_it_follows_a_repositorys_own_entry_builder_to_the_table_its_caller_names():
    source = """
from medisecure import dynamo
from medisecure.tables import CARE_TEAM, PATIENTS

def _put(table, values, condition):
    return {"Put": {"TableName": dynamo.name(table), "Item": dynamo.to_item(values)}}

def _entry(table, values):
    return dynamo.put_entry(table, values)

def link_add(tx, values):
    tx.add(_put(CARE_TEAM, values, None))

def patient_add(tx, values):
    tx.add(_entry(PATIENTS, values))
"""
    assert _keys(scan_source(source)) == {
        ("dynamodb", "PutItem", "care-team", None),
        ("dynamodb", "PutItem", "patients", None),
    }


def test_the_commit_of_a_unit_of_work_is_authorised_entry_by_entry_not_as_itself():
    operations = {call.operation for call in code_calls()}

    assert "TransactWriteItems" not in operations
    assert {"PutItem", "DeleteItem"} <= operations


def test_it_follows_the_dynamo_helpers_to_the_table_and_index_their_caller_names():
    source = """
from boto3.dynamodb.conditions import Key
from medisecure import dynamo
from medisecure.tables import APPOINTMENTS

BY = {"patient": "PatientAppointmentsIndex", "provider": "ProviderAppointmentsIndex"}

def upcoming(who, person_id):
    return dynamo.query_page(APPOINTMENTS, Key("x").eq(person_id), index=BY[who], list_name="a")

def book(values):
    dynamo.put_new(APPOINTMENTS, values)
"""
    assert _keys(scan_source(source)) == {
        ("dynamodb", "Query", "appointments", "PatientAppointmentsIndex"),
        ("dynamodb", "Query", "appointments", "ProviderAppointmentsIndex"),
        ("dynamodb", "PutItem", "appointments", None),
    }


def test_it_reads_the_tables_of_a_batch_read_from_its_pairs():
    source = """
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS, PATIENTS, PROVIDERS

def with_head(patient_id, head_key):
    return dynamo.get_many([(PATIENTS, {"patientId": patient_id}), (AUDIT_LOGS, head_key)])

def doctors(ids):
    return dynamo.get_many([(PROVIDERS, {"providerId": i}) for i in ids])
"""
    assert _keys(scan_source(source)) == {
        ("dynamodb", "BatchGetItem", "patients", None),
        ("dynamodb", "BatchGetItem", "audit-logs", None),
        ("dynamodb", "BatchGetItem", "providers", None),
    }


def test_it_sees_calls_to_other_services_through_a_wrapper():
    source = """
from medisecure import aws

def _ses():
    return aws.client("sesv2")

def send(message):
    client = _ses()
    client.send_email(**message)
    aws.client("s3").generate_presigned_url("get_object", Params={})
"""
    assert _keys(scan_source(source)) == {("sesv2", "SendEmail", None, None), ("s3", "GetObject", None, None)}


def test_it_refuses_to_guess_a_table_or_index_it_cannot_follow():
    source = """
from boto3.dynamodb.conditions import Key
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS

def search(index_name, value):
    return dynamo.query_page(AUDIT_LOGS, Key("x").eq(value), index=index_name, list_name="a")
"""
    with pytest.raises(ScanError, match=r"scanned/repository.py:7: cannot tell which index"):
        scan_source(source)


def test_it_leaves_out_bootstrap_which_the_stack_replaces_in_aws():
    operations = {call.operation for call in code_calls()}

    assert not operations & {"CreateTable", "UpdateTable", "CreateUserPool", "CreateBucket", "Scan"}


@pytest.fixture
def recorded_calls():
    """The portal's DynamoDB and Cognito calls, as sent, with their tables
    and indexes (botocore's before-parameter-build hook)."""
    seen: set[tuple] = set()

    def record(params, model, **kwargs):
        service = model.service_model.service_name
        if service != "dynamodb":
            seen.add((service, model.name, None, None))
            return
        for entry in params.get("TransactItems", []):
            ((kind, body),) = entry.items()
            seen.add(("dynamodb", TRANSACTION_ENTRIES[kind], body["TableName"], None))
        for table in params.get("RequestItems", {}):
            seen.add(("dynamodb", model.name, table, None))
        if "TableName" in params:
            seen.add(("dynamodb", model.name, params["TableName"], params.get("IndexName")))

    clients = [aws.client("dynamodb"), aws.client("cognito-idp")]
    for client in clients:
        client.meta.events.register("before-parameter-build", record)
    yield seen
    for client in clients:
        client.meta.events.unregister("before-parameter-build", record)


def test_every_call_a_real_run_makes_is_one_the_reading_found(client, aws, recorded_calls, settings):
    seeding.demo_cast_seed(password=TEST_PASSWORD)
    for email, pages in (
        ("patient@medisecure.test", ("/patient/",)),
        ("doctor@medisecure.test", ("/doctor/", "/doctor/patients/")),
    ):
        sign_in(client, email)
        for page in pages:
            assert client.get(page).status_code == 200
        client.post("/sign-out/")
    assert client.get("/healthz").status_code == 200

    def logical(call):
        service, operation, table, index = call
        return (service, operation, table.removeprefix(settings.TABLE_PREFIX) if table else None, index)

    made = {logical(call) for call in recorded_calls if call[1] != "TransactWriteItems"}
    found = _keys(code_calls())

    assert made - found == set()
    # The run went through the audit trail, the repositories and the pool.
    assert {call[1] for call in made} >= {"PutItem", "GetItem", "Query", "BatchGetItem", "AdminCreateUser"}
    assert Call("dynamodb", "Query", "care-team", "ProviderIndex").key() in made
