"""Looking at what the appointment tests left behind: the tables' items (a
Scan is fine in a test, never on a request path) and the mail SES holds."""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request

from appointments import repository
from medisecure import dynamo
from medisecure.tables import APPOINTMENTS, SLOT_LOCKS, Table


def all_items(table: Table) -> list[dict]:
    items, start_key = [], None
    while True:
        kwargs = {"TableName": dynamo.name(table), "ConsistentRead": True}
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = dynamo.client().scan(**kwargs)
        items += [dynamo.from_item(item) for item in response.get("Items", [])]
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            return items


def appointments():
    return [repository.appointment_from(item) for item in all_items(APPOINTMENTS)]


def booked():
    return [appointment for appointment in appointments() if appointment.is_booked]


def locks() -> dict[str, str]:
    """lockId -> the appointment holding it."""
    return {item["lockId"]: item["appointmentId"] for item in all_items(SLOT_LOCKS)}


def raw_mail_to(local_stack, address: str) -> list[email.message.EmailMessage]:
    """Messages sent with attachments (raw MIME) to `address`, parsed."""
    with urllib.request.urlopen(f"{local_stack.url}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    messages = [
        email.message_from_string(message["raw_data"], policy=email.policy.default)
        for message in data.get("ses", {}).get("RawMessage", [])
    ]
    return [message for message in messages if address in message["To"]]
