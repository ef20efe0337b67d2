"""The local stack's TransactWriteItems (deploy/local/dynamodb_transactions.py)
against stock moto's, on the same 200 generated transactions: puts, updates,
deletes and condition checks, with and without conditions, invalid items,
and two operations on one item. Each transaction runs on both over HTTP
through botocore, from the same starting items; the outcome (success, or the
error with its code, message and CancellationReasons in order) and the items
afterwards must be the same. Stock moto copies whole tables to roll back;
the local stack undoes item by item, so this is what holds it to "all or
nothing"."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from deploy.local import dynamodb_transactions
from deploy.local.tests.conftest import REGION, aws_client
from medisecure.aws import build_client

RANGED = "differential-ranged"
PLAIN = "differential-plain"
SLOTS = range(3)
EXAMPLES = 200
_prefixes = itertools.count()


def _create_tables(dynamodb) -> None:
    for name, keys in ((RANGED, [("pk", "HASH"), ("sk", "RANGE")]), (PLAIN, [("id", "HASH")])):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": attr, "KeyType": kind} for attr, kind in keys],
            AttributeDefinitions=[{"AttributeName": attr, "AttributeType": "S"} for attr, _ in keys],
            BillingMode="PAY_PER_REQUEST",
        )


@pytest.fixture(scope="module")
def project(local_stack):
    dynamodb = aws_client("dynamodb", local_stack)
    for name in (RANGED, PLAIN):
        try:
            dynamodb.delete_table(TableName=name)
        except dynamodb.exceptions.ResourceNotFoundException:
            pass
    _create_tables(dynamodb)
    return dynamodb


@pytest.fixture(scope="module")
def stock():
    # This process never installs the project's version: moto's own runs
    # here, in process (mock_aws passes the local stack's endpoint through).
    assert DynamoDBBackend.transact_write_items is not dynamodb_transactions.transact_write_items
    with mock_aws():
        dynamodb = build_client(
            "dynamodb", region=REGION, access_key_id="testing", secret_access_key="testing"
        )
        _create_tables(dynamodb)
        yield dynamodb


def _key(table: str, prefix: str, slot: int, *, key_type: str = "S") -> dict:
    if table == RANGED:
        return {"pk": {"S": prefix}, "sk": {key_type: f"{slot}" if key_type == "N" else f"k{slot}"}}
    return {"id": {key_type: f"{slot}" if key_type == "N" else f"{prefix}-k{slot}"}}


CONDITIONS = [
    None,
    ("attribute_exists(#k)", {}),
    ("attribute_not_exists(#k)", {}),
    ("n = :c", {":c": {"N": "0"}}),
    ("n = :c", {":c": {"N": "1"}}),
]
KINDS = ["put", "update", "delete", "check", "wrong_key_type", "update_the_key", "add_to_missing"]

operations = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "table": st.sampled_from([RANGED, PLAIN]),
        "slot": st.sampled_from(SLOTS),
        "condition": st.sampled_from(CONDITIONS),
        "value": st.integers(0, 2),
        "all_old": st.booleans(),
    }
)
starts = st.dictionaries(
    st.tuples(st.sampled_from([RANGED, PLAIN]), st.sampled_from(SLOTS)), st.integers(0, 2), max_size=6
)


def _operation(spec: dict, prefix: str) -> dict:
    table, slot, kind = spec["table"], spec["slot"], spec["kind"]
    key_attr = "pk" if table == RANGED else "id"
    condition = spec["condition"] or (("attribute_exists(#k)", {}) if kind == "check" else None)
    value = {"N": str(spec["value"])}
    body: dict = {"TableName": table}
    names: dict = {}
    values: dict = {}
    if condition is not None:
        body["ConditionExpression"] = condition[0]
        values.update(condition[1])
        if "#k" in condition[0]:
            names["#k"] = key_attr
        if spec["all_old"]:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if kind in ("put", "wrong_key_type"):
        key = _key(table, prefix, slot, key_type="N" if kind == "wrong_key_type" else "S")
        body["Item"] = {**key, "n": value, "tag": {"S": f"put-{spec['value']}"}}
        op_type = "Put"
    elif kind == "delete":
        body["Key"] = _key(table, prefix, slot)
        op_type = "Delete"
    elif kind == "check":
        body["Key"] = _key(table, prefix, slot)
        op_type = "ConditionCheck"
    else:
        body["Key"] = _key(table, prefix, slot)
        op_type = "Update"
        if kind == "update":
            body["UpdateExpression"] = "SET n = :v, tag = :t"
            values.update({":v": value, ":t": {"S": "updated"}})
        elif kind == "update_the_key":
            body["UpdateExpression"] = "SET #kk = :v"
            names["#kk"] = key_attr
            values[":v"] = {"S": "moved"}
        else:  # arithmetic on an attribute the item lacks
            body["UpdateExpression"] = "SET missing = missing + :v"
            values[":v"] = value
    if names:
        body["ExpressionAttributeNames"] = names
    if values:
        body["ExpressionAttributeValues"] = values
    return {op_type: body}


def _seed(dynamodb, start: dict, prefix: str) -> None:
    writes: dict[str, list] = {}
    for (table, slot), n in start.items():
        item = {**_key(table, prefix, slot), "n": {"N": str(n)}}
        writes.setdefault(table, []).append({"PutRequest": {"Item": item}})
    if writes:
        assert not dynamodb.batch_write_item(RequestItems=writes)["UnprocessedItems"]


def _outcome(dynamodb, items: list[dict]) -> tuple:
    try:
        dynamodb.transact_write_items(TransactItems=items)
    except ClientError as error:
        reasons = [
            (reason.get("Code"), reason.get("Message"), reason.get("Item"))
            for reason in error.response.get("CancellationReasons", [])
        ]
        return ("refused", error.response["Error"]["Code"], error.response["Error"]["Message"], reasons)
    return ("written",)


def _contents(dynamodb, prefix: str) -> dict:
    found = dynamodb.batch_get_item(
        RequestItems={
            table: {"Keys": [_key(table, prefix, slot) for slot in SLOTS], "ConsistentRead": True}
            for table in (RANGED, PLAIN)
        }
    )
    assert not found["UnprocessedKeys"]
    return {table: sorted(found["Responses"][table], key=repr) for table in (RANGED, PLAIN)}


def test_the_local_stacks_transactions_match_stock_motos_on_generated_transactions(project, stock):
    seen: Counter = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(start=starts, specs=st.lists(operations, min_size=1, max_size=5))
    def same_on_both(start, specs):
        prefix = f"tx{next(_prefixes)}"
        items = [_operation(spec, prefix) for spec in specs]
        outcomes = []
        for dynamodb in (project, stock):
            _seed(dynamodb, start, prefix)
            outcomes.append((_outcome(dynamodb, items), _contents(dynamodb, prefix)))
        (project_outcome, project_items), (stock_outcome, stock_items) = outcomes
        assert project_outcome == stock_outcome
        assert project_items == stock_items
        seen[project_outcome[0] if project_outcome[0] == "written" else project_outcome[1]] += 1
        if project_outcome[0] == "refused" and any(reason[0] for reason in project_outcome[3]):
            seen["cancelled after a write" if len(items) > 1 else "cancelled"] += 1

    same_on_both()

    # The generator reached every kind of outcome, not only the easy one.
    assert seen["written"] and seen["TransactionCanceledException"] and seen["ValidationException"], seen
    assert seen["cancelled after a write"], seen
