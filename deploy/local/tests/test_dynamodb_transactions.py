"""moto rolls a cancelled transaction back by restoring a copy of each table
it took when the transaction began; a transaction that succeeded meanwhile
would be erased with it. The stack serialises DynamoDB requests so that it
behaves as DynamoDB does: a cancelled transaction undoes only itself."""

import secrets
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from deploy.local.tests.conftest import aws_client


def test_a_cancelled_transaction_never_undoes_a_concurrent_one(local_stack):
    dynamodb = aws_client("dynamodb", local_stack)
    table = f"transactions-{secrets.token_hex(4)}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # Some items already there make moto's copy of the table slow enough for
    # the race to show.
    for start in range(0, 200, 25):
        dynamodb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": {"id": {"S": f"old-{n}"}}}} for n in range(start, start + 25)]
            }
        )

    def write(number):
        # Odd numbers are refused: they require an item that never exists.
        items = [{"Put": {"TableName": table, "Item": {"id": {"S": f"item-{number}"}}}}]
        if number % 2:
            items.append(
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"id": {"S": "missing"}},
                        "ConditionExpression": "attribute_exists(id)",
                    }
                }
            )
        try:
            dynamodb.transact_write_items(TransactItems=items)
            return number
        except ClientError:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        committed = {number for number in pool.map(write, range(80)) if number is not None}

    stored = {
        int(item["id"]["S"].split("-")[1])
        for page in dynamodb.get_paginator("scan").paginate(TableName=table)
        for item in page["Items"]
        if item["id"]["S"].startswith("item-")
    }
    assert committed == set(range(0, 80, 2))
    assert stored == committed


def test_a_valid_put_followed_by_an_invalid_item_writes_nothing(local_stack):
    dynamodb = aws_client("dynamodb", local_stack)
    table = f"transactions-{secrets.token_hex(4)}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=table, Item={"id": {"S": "kept"}, "n": {"N": "1"}})

    try:
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"id": {"S": "new"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"id": {"S": "kept"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                # An item whose key has the wrong type: the request is invalid.
                {"Put": {"TableName": table, "Item": {"id": {"N": "3"}}}},
            ]
        )
        refused = None
    except ClientError as error:
        refused = error.response["Error"]["Code"]

    items = dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
    assert refused == "ValidationException"
    assert items == [{"id": {"S": "kept"}, "n": {"N": "1"}}]
