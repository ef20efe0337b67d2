"""The projector's one write: raise a counter by one, once per stream record.

Run by the stream consumer's principal (locally `stream_consumer`, in AWS
the projector's Lambda role), never by the portal's task role."""

from __future__ import annotations

from botocore.exceptions import ClientError

from medisecure import dynamo
from medisecure.tables import ANALYTICS


def count_once(metric: str, cell: str, record_id: str) -> bool:
    """ADD 1 to the counter unless `record_id` already counted on it (its
    id is kept in the counter's set `seen`). True when it counted now."""
    try:
        dynamo.client().update_item(
            TableName=dynamo.name(ANALYTICS),
            Key={"metric": {"S": metric}, "cell": {"S": cell}},
            UpdateExpression="ADD #count :one, #seen :id",
            ConditionExpression="attribute_not_exists(#seen) OR NOT contains(#seen, :record)",
            ExpressionAttributeNames={"#count": "count", "#seen": "seen"},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":id": {"SS": [record_id]},
                ":record": {"S": record_id},
            },
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True
