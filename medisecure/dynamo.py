"""Small helpers every repository shares: item (de)serialisation, condition
expressions built by boto3's builders, and signed pagination tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder
from botocore.exceptions import ClientError
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from django.core import signing

from medisecure import aws
from medisecure.tables import Table, physical_name

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class InvalidPageToken(Exception):
    """A pagination token that was not issued by us for this list."""


def client():
    return aws.client("dynamodb")


def name(table: Table) -> str:
    return physical_name(table)


def to_item(values: dict[str, Any]) -> dict[str, dict]:
    return {key: _serializer.serialize(value) for key, value in values.items() if value is not None}


def from_item(item: dict[str, dict]) -> dict[str, Any]:
    values = {key: _deserializer.deserialize(value) for key, value in item.items()}
    return {key: _plain_number(value) for key, value in values.items()}


def _plain_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def merge_expressions(key_condition: ConditionBase, condition: ConditionBase | None = None) -> dict[str, Any]:
    """A key condition plus an optional filter, their placeholders kept apart."""
    builder = ConditionExpressionBuilder()
    key = builder.build_expression(key_condition, is_key_condition=True)
    kwargs: dict[str, Any] = {"KeyConditionExpression": key.condition_expression}
    names = dict(key.attribute_name_placeholders)
    values = dict(key.attribute_value_placeholders)
    if condition is not None:
        # The same builder keeps numbering placeholders, so they cannot clash.
        built = builder.build_expression(condition)
        kwargs["FilterExpression"] = built.condition_expression
        names.update(built.attribute_name_placeholders)
        values.update(built.attribute_value_placeholders)
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if values:
        kwargs["ExpressionAttributeValues"] = to_item(values)
    return kwargs


def condition_kwargs(condition: ConditionBase) -> dict[str, Any]:
    built = ConditionExpressionBuilder().build_expression(condition)
    kwargs: dict[str, Any] = {"ConditionExpression": built.condition_expression}
    if built.attribute_name_placeholders:
        kwargs["ExpressionAttributeNames"] = built.attribute_name_placeholders
    if built.attribute_value_placeholders:
        kwargs["ExpressionAttributeValues"] = to_item(built.attribute_value_placeholders)
    return kwargs


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


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None


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
    kwargs: dict[str, Any] = {
        "TableName": name(table),
        "Limit": limit,
        "ScanIndexForward": not newest_first,
        **merge_expressions(key_condition, filter_condition),
    }
    if index:
        kwargs["IndexName"] = index
    if page_token:
        kwargs["ExclusiveStartKey"] = _decode_token(page_token, list_name)
    response = client().query(**kwargs)
    items = [from_item(item) for item in response.get("Items", [])]
    last_key = response.get("LastEvaluatedKey")
    return Page(items, _encode_token(last_key, list_name) if last_key else None)


def _salt(list_name: str) -> str:
    return "medisecure.page." + hashlib.sha256(list_name.encode("utf-8")).hexdigest()


def _encode_token(last_key: dict, list_name: str) -> str:
    return signing.dumps(last_key, salt=_salt(list_name), compress=True)


def _decode_token(token: str, list_name: str) -> dict:
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
