"""The rate limits' counters: one item per limit, subject and time window,
counted up by a conditional UpdateItem so that parallel requests can never
count past the ceiling (DynamoDB decides, not a read before the write)."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from medisecure import dynamo
from medisecure.tables import RATE_LIMITS


def count_attempt(counter_id: str, *, ceiling: int, expires_at: int) -> bool:
    """Add one attempt to the counter; False, adding nothing, when it
    already holds `ceiling` attempts."""
    try:
        dynamo.client().update_item(
            TableName=dynamo.name(RATE_LIMITS),
            **attempt_update(counter_id, ceiling=ceiling, expires_at=expires_at),
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


def attempt_update(counter_id: str, *, ceiling: int, expires_at: int) -> dict:
    """UpdateItem's arguments (all but the table) that add one attempt to a
    counter item unless it already holds `ceiling`. Shared with the local
    hosted UI's sign-in limit, which counts in the same way."""
    condition = dynamo.condition_kwargs(Attr("attempts").not_exists() | Attr("attempts").lt(ceiling))
    return {
        "Key": dynamo.to_item({"counterId": counter_id}),
        # An update expression has no builder in boto3; it names only these
        # two attributes, each through an expression attribute name.
        "UpdateExpression": "ADD #attempts :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)",
        "ConditionExpression": condition["ConditionExpression"],
        "ExpressionAttributeNames": {
            **condition["ExpressionAttributeNames"],
            "#attempts": "attempts",
            "#expiresAt": "expiresAt",
        },
        "ExpressionAttributeValues": {
            **condition["ExpressionAttributeValues"],
            **dynamo.to_item({":one": 1, ":expiresAt": expires_at}),
        },
    }
