"""The archiver keeps each change once: an event's INSERT under its chain
and position, a MODIFY or REMOVE with the event's old image (and one alert),
never a chain head's move; a batch delivered twice changes nothing."""

import logging

import pytest
from django.conf import settings

from audit.archive import restore_repository as archive
from audit.archive.domain import ArchivedChange, parse_key
from audit.archive.handlers import archive_records
from audit.archive.tests.support import consumer, drain, versions, write
from medisecure import aws as aws_clients
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS

pytestmark = pytest.mark.django_db


def _key(event):
    return dynamo.to_item({"eventId": event.event_id, "timestamp": event.timestamp})


def _raw(event):
    return dynamo.client().get_item(TableName=dynamo.name(AUDIT_LOGS), Key=_key(event))["Item"]


def test_each_event_is_kept_with_the_item_exactly_as_the_table_holds_it(aws):
    (event,) = write(1)

    drain()

    (key,) = versions("events/")
    assert key.startswith(
        f"events/{event.chain_id}/{event.timestamp}#{event.chain_seq:012d}/{event.event_id}/"
    )
    kept = archive.record(key)
    assert kept["eventName"] == "INSERT" and kept["newImage"] == _raw(event)
    assert versions("changes/") == {}, "a chain head's move is not kept"


def test_an_overwritten_event_is_kept_with_its_old_image_and_alerted_once(aws, caplog):
    events = write(3)
    item = _raw(events[1])
    original = dict(item)
    item["expiresAt"] = {"N": "1"}
    dynamo.client().put_item(TableName=dynamo.name(AUDIT_LOGS), Item=item)

    delivered = []

    def keeps_what_it_archives(batch):
        delivered.extend(batch)
        archive_records(batch)

    with caplog.at_level(logging.ERROR, logger="medisecure.alerts"):
        drain(consumer(keeps_what_it_archives))
        archive_records(delivered)  # the whole stream, delivered again

    (key,) = versions("changes/")
    change = parse_key(key)
    assert isinstance(change, ArchivedChange) and change.event_name == "MODIFY"
    assert change.event_id == events[1].event_id
    assert archive.record(key)["oldImage"] == original
    alerts = [record.getMessage() for record in caplog.records if record.name == "medisecure.alerts"]
    assert len(alerts) == 1 and events[1].event_id in alerts[0]
    assert set(versions().values()) == {1}


def test_a_deleted_event_is_kept_as_a_removal_with_its_old_image(aws, caplog):
    events = write(2)
    drain()
    dynamo.client().delete_item(TableName=dynamo.name(AUDIT_LOGS), Key=_key(events[0]))

    with caplog.at_level(logging.ERROR, logger="medisecure.alerts"):
        drain()

    (key,) = versions("changes/")
    assert parse_key(key).event_name == "REMOVE"
    assert archive.record(key)["oldImage"]["eventId"] == {"S": events[0].event_id}
    assert any("deleted" in record.getMessage() for record in caplog.records)


def test_the_alert_goes_to_the_operations_topic_where_there_is_one(aws, settings):
    sns = aws_clients.client("sns")
    topic = sns.create_topic(Name="operations")["TopicArn"]
    settings.OPERATIONS_ALERT_TOPIC_ARN = topic
    queue_url = aws_clients.client("sqs").create_queue(QueueName="operations-mail")["QueueUrl"]
    queue_arn = aws_clients.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    (event,) = write(1)
    dynamo.client().delete_item(TableName=dynamo.name(AUDIT_LOGS), Key=_key(event))

    drain()

    messages = aws_clients.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)[
        "Messages"
    ]
    assert len(messages) == 1 and event.event_id in messages[0]["Body"]


def test_the_archive_refuses_to_delete_a_kept_record(aws):
    write(1)
    drain()
    s3 = aws_clients.client("s3")
    (key,) = versions("events/")
    version = s3.list_object_versions(Bucket=settings.AUDIT_ARCHIVE_BUCKET, Prefix=key)["Versions"][0]

    with pytest.raises(Exception) as refused:
        s3.delete_object(Bucket=settings.AUDIT_ARCHIVE_BUCKET, Key=key, VersionId=version["VersionId"])

    assert "AccessDenied" in str(refused.value)


def test_the_lambda_function_archives_a_recorded_stream_event_once(aws):
    from audit.archive.lambda_handler import handler
    from medisecure.streams import Checkpoint

    (event,) = write(1)
    reader = consumer()
    iterator = reader._iterator(Checkpoint(reader.shards()[0]["ShardId"]))
    raw = aws_clients.client("dynamodbstreams").get_records(ShardIterator=iterator)["Records"]
    for record in raw:  # as Lambda delivers them: epoch seconds
        record["dynamodb"]["ApproximateCreationDateTime"] = record["dynamodb"][
            "ApproximateCreationDateTime"
        ].timestamp()
    lambda_event = {"Records": raw}

    assert handler(lambda_event, None) == {"archived": len(raw)}
    handler(lambda_event, None)  # delivered again

    assert set(versions().values()) == {1}
    assert [parse_key(key).event_id for key in versions("events/")] == [event.event_id]
