"""dynamo.get_many and dynamo.unchanged over the local stack."""

import json

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from medisecure import dynamo
from medisecure.tables import CARE_TEAM, PATIENTS
from tests import faults

pytestmark = pytest.mark.django_db


class _Body:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


def _all_unprocessed(request):
    asked = json.loads(request.body)["RequestItems"]
    body = json.dumps({"Responses": {}, "UnprocessedKeys": asked}).encode()
    return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, _Body(body))


@pytest.fixture
def two_items(aws):
    dynamo.put_new(PATIENTS, {"patientId": "p-1", "givenName": "One"})
    dynamo.put_new(CARE_TEAM, {"patientId": "p-1", "providerId": "d-1", "reason": "x"})


def test_it_reads_items_from_several_tables_in_the_order_asked(two_items, dynamodb_calls):
    found = dynamo.get_many(
        [
            (CARE_TEAM, {"patientId": "p-1", "providerId": "d-1"}),
            (PATIENTS, {"patientId": "missing"}),
            (PATIENTS, {"patientId": "p-1"}),
        ],
        consistent=True,
    )

    assert [item and item.get("reason", item.get("givenName")) for item in found] == ["x", None, "One"]
    assert dynamodb_calls == {"BatchGetItem": 1}


def test_it_asks_again_for_keys_dynamodb_left_unprocessed(two_items):
    answered = {"once": False}

    def leave_all_unprocessed_once(request, operation):
        if operation == "BatchGetItem" and not answered["once"]:
            answered["once"] = True
            return _all_unprocessed(request)
        return None

    with faults.at_send("dynamodb", leave_all_unprocessed_once):
        (patient,) = dynamo.get_many([(PATIENTS, {"patientId": "p-1"})])

    assert patient["givenName"] == "One"


def test_it_gives_up_as_throttled_when_keys_stay_unprocessed(two_items):
    def always_unprocessed(request, operation):
        return _all_unprocessed(request) if operation == "BatchGetItem" else None

    with faults.at_send("dynamodb", always_unprocessed), pytest.raises(ClientError) as raised:
        dynamo.get_many([(PATIENTS, {"patientId": "p-1"})])

    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"


def test_unchanged_lets_a_replace_through_only_while_the_item_is_as_read(two_items):
    read = dynamo.get(CARE_TEAM, {"patientId": "p-1", "providerId": "d-1"})
    condition = dynamo.condition_kwargs(dynamo.unchanged(read))
    dynamo.client().put_item(
        TableName=dynamo.name(CARE_TEAM), Item=dynamo.to_item({**read, "reason": "y"}), **condition
    )

    with pytest.raises(ClientError) as raised:
        dynamo.client().put_item(
            TableName=dynamo.name(CARE_TEAM), Item=dynamo.to_item({**read, "reason": "z"}), **condition
        )

    assert dynamo.is_conditional_failure(raised.value)
