"""TransactWriteItems for the local stack without moto's whole-table copies,
all or nothing as DynamoDB is.

moto deep-copies every table a transaction touches before applying it, so it
can restore the copy if an item fails; the cost grows with the table, and
the audit table grows with every request (an audited write took 30 ms on an
empty table and 60 ms after 400 events). Here each item is checked and
applied in the order given, as moto does, but what is kept to undo it is
only the item it replaced (a copy, or "absent") and how long the table's
stream was: when a later item fails (its condition, an invalid item, two
operations on one item) every item already written is put back as it was,
newest first, and the stream loses the records of the undone writes.

The local stack applies one DynamoDB request at a time (see
app.LocalStackApp._one_dynamodb_request_at_a_time), so nothing else can
write between a transaction's first item and its undo. The differential test
(deploy/local/tests/test_dynamodb_transactions_differential.py) holds this
to stock moto's outcome, cancellation reasons and tables."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend, DynamoType
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def install() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    # A malformed entry refuses the whole request before anything is written.
    for item in transact_items:
        if len(item) != 1:
            raise TransactWriteSingleOpException
    undo = _Undo()
    seen: set[tuple[str, str]] = set()
    reasons: list[tuple] = []
    for item in transact_items:
        op_type, op = next(iter(item.items()))
        try:
            _check_and_apply(self, op_type, op, seen, undo)
            reasons.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            # The whole request is invalid: nothing it wrote stays.
            undo.restore()
            raise
        except _ConditionFailed as failed:
            reasons.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, failed.old))
        except Exception as error:  # noqa: BLE001 - every other failure is a cancellation reason, as in moto
            reasons.append((type(error).__name__, str(error), None))
    if any(code is not None for code, _, _ in reasons):
        undo.restore()
        raise TransactionCanceledException(reasons)


class _ConditionFailed(Exception):
    """The item's condition was false; `old` is the item when asked for."""

    def __init__(self, old: dict | None):
        super().__init__("The conditional request failed")
        self.old = old


@dataclass
class _Written:
    table: Table
    hash_value: DynamoType
    range_value: DynamoType | None
    before: Item | None
    stream_length: int | None


class _Undo:
    """What the transaction's writes replaced, to put back newest first."""

    def __init__(self) -> None:
        self._written: list[_Written] = []

    def remember(self, table: Table, key: dict, current: Item | None) -> None:
        range_attr = table.range_key_attr
        self._written.append(
            _Written(
                table=table,
                hash_value=DynamoType(key[table.hash_key_attr]),
                range_value=DynamoType(key[range_attr]) if range_attr is not None else None,
                # update_item changes the stored item in place: keep a copy.
                before=copy.deepcopy(current),
                stream_length=len(table.stream_shard.items) if table.stream_shard is not None else None,
            )
        )

    def restore(self) -> None:
        for written in reversed(self._written):
            items = written.table.items
            if written.range_value is None:
                if written.before is None:
                    items.pop(written.hash_value, None)
                else:
                    items[written.hash_value] = written.before
            elif written.before is None:
                if written.hash_value in items:
                    items[written.hash_value].pop(written.range_value, None)
            else:
                items[written.hash_value][written.range_value] = written.before
            shard = written.table.stream_shard
            if shard is not None and written.stream_length is not None:
                del shard.items[written.stream_length :]
        self._written.clear()


def _key(backend: DynamoDBBackend, op_type: str, op: dict) -> dict:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _check_and_apply(backend: DynamoDBBackend, op_type: str, op: dict, seen: set, undo: _Undo) -> None:
    if op_type not in OPERATIONS:
        raise ValueError("Unsupported transaction operation")
    key = _key(backend, op_type, op)
    identity = (str(op["TableName"]), str(dict(sorted(key.items()))))
    if identity in seen:
        raise MultipleTransactionsException()
    seen.add(identity)
    names = op.get("ExpressionAttributeNames")
    values = op.get("ExpressionAttributeValues")
    current = backend.get_item(op["TableName"], key)
    condition = op.get("ConditionExpression")
    if condition is not None and not get_filter_expression(condition, names, values).expr(current):
        old = None
        if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
            old = current.to_json()["Attributes"]
        raise _ConditionFailed(old)
    if op_type == "ConditionCheck":
        return
    undo.remember(backend.get_table(op["TableName"]), key, current)
    if op_type == "Put":
        backend.put_item(
            op["TableName"],
            op["Item"],
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )
    elif op_type == "Delete":
        backend.delete_item(
            op["TableName"],
            key,
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )
    else:
        backend.update_item(
            op["TableName"],
            key,
            update_expression=op["UpdateExpression"],
            condition_expression=condition,
            expression_attribute_names=names,
            expression_attribute_values=values,
        )
