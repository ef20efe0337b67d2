"""Small helpers every repository shares: item (de)serialisation, condition
expressions built by boto3's builders, the entries repositories add to a unit
of work (medisecure.unit_of_work), reads of items of several tables in one
round trip, and signed pagination tokens."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any, Generic, TypeVar

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from django.core import signing

from medisecure import aws
from medisecure.errors import NotFound
from medisecure.tables import Table, physical_name

BATCH_ATTEMPTS = 4
BATCH_BACKOFF_SECONDS = 0.05

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class InvalidPageToken(NotFound):
    """A pagination token that was not issued by us for this list: answered
    as a page that is not there."""


def client():
    return aws.client("dynamodb")


def name(table: Table) -> str:
    return physical_name(table)


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    values = {key: _deserializer.deserialize(value) for key, value in item.items()}
    return {key: _plain_number(value) for key, value in values.items()}


def _plain_number(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal, nested ones too."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_number(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain_number(inner) for inner in value]
    return value


def query_kwargs(
    key_condition: ConditionBase, filter_condition: ConditionBase | None = None
) -> dict[str, Any]:
    """KeyConditionExpression (and FilterExpression) for a Query. One builder
    numbers every name and value, so the two cannot collide."""
    builder = ConditionExpressionBuilder()
    expression, names, values = builder.build_expression(key_condition, is_key_condition=True)
    kwargs = _expression_kwargs("KeyConditionExpression", expression, names, values)
    if filter_condition is not None:
        expression, more_names, more_values = builder.build_expression(filter_condition)
        kwargs["FilterExpression"] = expression
        kwargs["ExpressionAttributeNames"] = {**kwargs.get("ExpressionAttributeNames", {}), **more_names}
        if more_values:
            kwargs["ExpressionAttributeValues"] = {
                **kwargs.get("ExpressionAttributeValues", {}),
                **to_item(more_values),
            }
    return kwargs


def condition_kwargs(condition: ConditionBase) -> dict[str, Any]:
    expression, names, values = ConditionExpressionBuilder().build_expression(condition)
    return _expression_kwargs("ConditionExpression", expression, names, values)


def _expression_kwargs(keyword: str, expression: str, names: dict, values: dict) -> dict[str, Any]:
    kwargs: dict[str, Any] = {keyword: expression}
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if values:
        kwargs["ExpressionAttributeValues"] = to_item(values)
    return kwargs


def put_entry(table: Table, values: dict[str, Any], condition: ConditionBase | None = None) -> dict[str, Any]:
    """A Put for a unit of work. `table` is a medisecure.tables constant, so
    the task role's reading (deploy/aws/tests/code_calls.py) sees which
    table each transaction writes."""
    entry: dict[str, Any] = {"TableName": name(table), "Item": to_item(values)}
    if condition is not None:
        entry.update(condition_kwargs(condition))
    return {"Put": entry}


def delete_entry(table: Table, key: dict[str, Any], condition: ConditionBase | None = None) -> dict[str, Any]:
    """A Delete for a unit of work."""
    entry: dict[str, Any] = {"TableName": name(table), "Key": to_item(key)}
    if condition is not None:
        entry.update(condition_kwargs(condition))
    return {"Delete": entry}


def entry_values(entry: dict[str, Any]) -> dict[str, Any]:
    """The item (or key) a Put or Delete entry writes, as plain values."""
    operation = next(iter(entry.values()))
    return from_item(operation.get("Item") or operation["Key"])


T = TypeVar("T")


@dataclass(frozen=True)
class ItemRead(Generic[T]):
    """One item to read with others (read_together): its table and key, and
    the owning repository's parser, which is handed the item's values (None
    when there is no such item). Each repository builds the reads of its own
    items, so none parses another's."""

    table: Table
    key: dict[str, Any]
    parse: Callable[[dict[str, Any] | None], T]


def read_together(*reads: ItemRead[Any], consistent: bool = False) -> list[Any]:
    """Items of any tables in one BatchGetItem, each parsed by its own
    repository's parser, in the order given."""
    values = get_many([(read.table, read.key) for read in reads], consistent=consistent)
    return [read.parse(found) for read, found in zip(reads, values)]


class ItemExists(Exception):
    """A put that must create a new item found one already there."""


def put_new(table: Table, values: dict[str, Any]) -> None:
    """Create an item; ItemExists if one with the same key is already there
    (decided by DynamoDB, so two racing writers cannot both succeed)."""
    try:
        client().put_item(
            TableName=name(table),
            Item=to_item(values),
            **condition_kwargs(Attr(table.partition.name).not_exists()),
        )
    except ClientError as error:
        if is_conditional_failure(error):
            raise ItemExists from error
        raise


def get(table: Table, key: dict[str, Any]) -> dict[str, Any] | None:
    item = client().get_item(TableName=name(table), Key=to_item(key)).get("Item")
    return from_item(item) if item else None


def get_many(
    keys: Sequence[tuple[Table, dict[str, Any]]], *, consistent: bool = False
) -> list[dict[str, Any] | None]:
    """Items by key, from any tables, in one BatchGetItem (plus a retry for
    any keys DynamoDB leaves unprocessed); None where an item is missing.
    Results come back in the order the keys were given."""
    wanted = [(name(table), _key_of(table, key)) for table, key in keys]
    request: dict[str, dict] = {}
    for table_name, key in wanted:
        entry = request.setdefault(table_name, {"Keys": [], "ConsistentRead": consistent})
        if key not in entry["Keys"]:
            entry["Keys"].append(key)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    key_names = {name(table): _key_names(table) for table, _ in keys}
    for attempt in range(BATCH_ATTEMPTS):
        response = client().batch_get_item(RequestItems=request)
        for table_name, items in response.get("Responses", {}).items():
            for item in items:
                key = {attribute: item[attribute] for attribute in key_names[table_name]}
                found[(table_name, _fingerprint(key))] = from_item(item)
        request = response.get("UnprocessedKeys") or {}
        if not request:
            break
        time.sleep(BATCH_BACKOFF_SECONDS * 2**attempt)
    else:
        # Keys left unprocessed this long mean the table is throttled: the
        # same answer as a throttled single read (a 503 the person can retry).
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "keys left unprocessed"}},
            "BatchGetItem",
        )
    return [found.get((table_name, _fingerprint(key))) for table_name, key in wanted]


def _key_names(table: Table) -> list[str]:
    return [key.name for key in (table.partition, table.sort) if key is not None]


def _key_of(table: Table, values: dict[str, Any]) -> dict[str, dict]:
    return to_item({attribute: values[attribute] for attribute in _key_names(table)})


def _fingerprint(key: dict[str, dict]) -> str:
    return repr(sorted(key.items()))


def unchanged(values: dict[str, Any]) -> ConditionBase:
    """A condition that holds only while every attribute in `values` still
    has that value (None: is still absent), for replacing an item exactly as
    it was read: optimistic locking where an item has no version attribute."""
    conditions: list[ConditionBase] = [
        Attr(attribute).not_exists() if value is None else Attr(attribute).eq(value)
        for attribute, value in sorted(values.items())
    ]
    return reduce(lambda left, right: left & right, conditions)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None


def query(
    table: Table,
    key_condition: ConditionBase,
    *,
    index: str | None = None,
    limit: int = 25,
    start_key: dict | None = None,
    newest_first: bool = False,
    filter_condition: ConditionBase | None = None,
) -> tuple[list[dict[str, Any]], dict | None]:
    """One Query round trip: its items and its LastEvaluatedKey."""
    kwargs: dict[str, Any] = {
        "TableName": name(table),
        "Limit": limit,
        "ScanIndexForward": not newest_first,
        **query_kwargs(key_condition, filter_condition),
    }
    if index:
        kwargs["IndexName"] = index
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    response = client().query(**kwargs)
    return [from_item(item) for item in response.get("Items", [])], response.get("LastEvaluatedKey")


def query_page(
    table: Table,
    key_condition: ConditionBase,
    *,
    list_name: str,
    index: str | None = None,
    limit: int = 25,
    page_token: str | None = None,
    newest_first: bool = False,
    filter_condition: ConditionBase | None = None,
) -> Page:
    """One page of a Query, with the next page as a signed opaque token.

    `list_name` names what is being listed (e.g. the provider whose patients
    these are), so a token issued for one list is refused for another.
    With `filter_condition`, `limit` counts the items read, not the items
    kept: a page may hold fewer, but it still costs one round trip."""
    items, last_key = query(
        table,
        key_condition,
        index=index,
        limit=limit,
        start_key=decode_page_token(page_token, list_name) if page_token else None,
        newest_first=newest_first,
        filter_condition=filter_condition,
    )
    return Page(items, encode_page_token(last_key, list_name) if last_key else None)


def _salt(list_name: str) -> str:
    return "medisecure.page." + hashlib.sha256(list_name.encode("utf-8")).hexdigest()


def encode_page_token(last_key: dict, list_name: str) -> str:
    return signing.dumps(last_key, salt=_salt(list_name), compress=True)


def decode_page_token(token: str, list_name: str) -> dict:
    try:
        return signing.loads(token, salt=_salt(list_name), max_age=24 * 3600)
    except signing.BadSignature as exc:
        raise InvalidPageToken from exc


def cancellation_codes(error) -> list[str]:
    """The per-item reasons a TransactWriteItems was cancelled with."""
    reasons = error.response.get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]


def is_conditional_failure(error) -> bool:
    code = error.response.get("Error", {}).get("Code")
    if code == "ConditionalCheckFailedException":
        return True
    return code == "TransactionCanceledException" and "ConditionalCheckFailed" in cancellation_codes(error)
