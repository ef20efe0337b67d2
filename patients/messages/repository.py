"""Every DynamoDB call for secure messages (the messages table): a thread's
header and messages in the thread's partition, each side's inbox as a Query
of its index over the headers, and each person's unread counter.

Writes are added to a unit of work: a new thread only where none is
(ThreadChanged: the id is taken), a header replaced only at the version
read (ThreadChanged), a message only at a number not yet taken
(ThreadChanged), a counter moved by an atomic ADD."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from medisecure import dynamo
from medisecure.tables import MESSAGES
from medisecure.unit_of_work import Transaction
from patients.messages.domain import DOCTOR, PATIENT, Message, Thread, ThreadChanged, inbox_order

HEADER = "thread"
MESSAGE_PREFIX = "msg#"
COUNTER = "count"
PATIENT_INBOX_INDEX = "PatientInboxIndex"
DOCTOR_INBOX_INDEX = "DoctorInboxIndex"
EXPORT_PAGE = 200
INBOX_INDEXES = {PATIENT: PATIENT_INBOX_INDEX, DOCTOR: DOCTOR_INBOX_INDEX}
# Each side's inbox index: its partition and sort attributes.
_INBOX = {
    PATIENT: ("patientInbox", "patientInboxOrder"),
    DOCTOR: ("doctorInbox", "doctorInboxOrder"),
}


def _message_key(seq: int) -> str:
    return f"{MESSAGE_PREFIX}{seq:06d}"


def _counter_key(user_id: str) -> dict:
    return {"threadId": f"unread#{user_id}", "itemKey": COUNTER}


def _thread_values(thread: Thread) -> dict:
    return {
        "threadId": thread.thread_id,
        "itemKey": HEADER,
        "patientId": thread.patient_id,
        "providerId": thread.provider_id,
        "patientName": thread.patient_name,
        "providerName": thread.provider_name,
        "subject": thread.subject,
        "status": thread.status,
        "createdAt": thread.created_at,
        "lastAt": thread.last_at,
        "lastSide": thread.last_side,
        "seq": thread.seq,
        "version": thread.version,
        "patientUnread": thread.patient_unread,
        "doctorUnread": thread.doctor_unread,
        "patientInbox": thread.patient_id,
        "patientInboxOrder": inbox_order(unread=thread.patient_unread, last_at=thread.last_at),
        "doctorInbox": thread.provider_id,
        "doctorInboxOrder": inbox_order(unread=thread.doctor_unread, last_at=thread.last_at),
    }


def _thread_from(values: dict) -> Thread:
    return Thread(
        thread_id=values["threadId"],
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        patient_name=values.get("patientName", ""),
        provider_name=values.get("providerName", ""),
        subject=values.get("subject", ""),
        status=values.get("status", ""),
        created_at=values.get("createdAt", ""),
        last_at=values.get("lastAt", ""),
        last_side=values.get("lastSide", ""),
        seq=int(values.get("seq", 0)),
        version=int(values.get("version", 1)),
        patient_unread=bool(values.get("patientUnread", False)),
        doctor_unread=bool(values.get("doctorUnread", False)),
    )


def _message_values(message: Message) -> dict:
    return {
        "threadId": message.thread_id,
        "itemKey": _message_key(message.seq),
        "seq": message.seq,
        "side": message.side,
        "authorId": message.author_id,
        "authorName": message.author_name,
        "body": message.body,
        "sentAt": message.sent_at,
        "documentReference": message.document_reference or None,
        "documentName": message.document_name or None,
    }


def _message_from(values: dict) -> Message:
    return Message(
        thread_id=values["threadId"],
        seq=int(values.get("seq", 0)),
        side=values.get("side", ""),
        author_id=values.get("authorId", ""),
        author_name=values.get("authorName", ""),
        body=values.get("body", ""),
        sent_at=values.get("sentAt", ""),
        document_reference=values.get("documentReference", ""),
        document_name=values.get("documentName", ""),
    )


# --- reads ---------------------------------------------------------------------


def thread_read(thread_id: str) -> dynamo.ItemRead[Thread | None]:
    """A thread's header, to read in one round trip with other items."""
    return dynamo.ItemRead(
        MESSAGES,
        {"threadId": thread_id, "itemKey": HEADER},
        lambda values: _thread_from(values) if values else None,
    )


def unread_count_read(user_id: str) -> dynamo.ItemRead[int]:
    """How many of a person's threads are unread (never below zero)."""
    return dynamo.ItemRead(
        MESSAGES,
        _counter_key(user_id),
        lambda values: max(0, int(values.get("unreadThreads", 0))) if values else 0,
    )


def messages_page(thread_id: str, *, limit: int, page_token: str | None) -> tuple[list[Message], str | None]:
    """One page of a thread's messages, newest first. Raises
    dynamo.InvalidPageToken for a token not issued for this thread."""
    page = dynamo.query_page(
        MESSAGES,
        Key("threadId").eq(thread_id) & Key("itemKey").begins_with(MESSAGE_PREFIX),
        list_name=f"messages:{thread_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_message_from(item) for item in page.items], page.next_token


def messages_all(thread_id: str) -> list[Message]:
    """Every message of a thread, oldest first (the record export)."""
    found: list[Message] = []
    start_key = None
    while True:
        items, start_key = dynamo.query(
            MESSAGES,
            Key("threadId").eq(thread_id) & Key("itemKey").begins_with(MESSAGE_PREFIX),
            limit=EXPORT_PAGE,
            start_key=start_key,
        )
        found += [_message_from(item) for item in items]
        if not start_key:
            return found


def inbox_page(
    side: str, owner_id: str, *, limit: int, page_token: str | None = None, unread_only: bool = False
) -> tuple[list[Thread], str | None]:
    """One page of a person's threads, unread first, then newest first.
    Raises dynamo.InvalidPageToken for a token not issued for this inbox."""
    partition, order = _INBOX[side]
    key = Key(partition).eq(owner_id)
    if unread_only:
        key = key & Key(order).begins_with("1#")
    page = dynamo.query_page(
        MESSAGES,
        key,
        index=INBOX_INDEXES[side],
        list_name=f"inbox:{side}:{owner_id}:{'unread' if unread_only else 'all'}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_thread_from(item) for item in page.items], page.next_token


def threads_all(side: str, owner_id: str) -> list[Thread]:
    """Every thread of a person, unread first, then newest first (the
    record export)."""
    partition, _ = _INBOX[side]
    found: list[Thread] = []
    start_key = None
    while True:
        items, start_key = dynamo.query(
            MESSAGES,
            Key(partition).eq(owner_id),
            index=INBOX_INDEXES[side],
            limit=EXPORT_PAGE,
            start_key=start_key,
            newest_first=True,
        )
        found += [_thread_from(item) for item in items]
        if not start_key:
            return found


# --- writes --------------------------------------------------------------------


def thread_add(tx: Transaction, thread: Thread) -> None:
    tx.add(
        dynamo.put_entry(MESSAGES, _thread_values(thread), Attr("threadId").not_exists()),
        refused=ThreadChanged,
    )


def thread_replace(tx: Transaction, thread: Thread, *, read_version: int) -> None:
    """The thread's new header, only while its header is still at the
    version read."""
    tx.add(
        dynamo.put_entry(MESSAGES, _thread_values(thread), Attr("version").eq(read_version)),
        refused=ThreadChanged,
    )


def message_add(tx: Transaction, message: Message) -> None:
    tx.add(
        dynamo.put_entry(MESSAGES, _message_values(message), Attr("threadId").not_exists()),
        refused=ThreadChanged,
    )


def unread_count_add(tx: Transaction, user_id: str, delta: int) -> None:
    """Move a person's unread counter by `delta` (an atomic ADD: counters
    of several threads never collide)."""
    tx.add(
        {
            "Update": {
                "TableName": dynamo.name(MESSAGES),
                "Key": dynamo.to_item(_counter_key(user_id)),
                # An update expression has no builder in boto3; it names one
                # attribute, through an expression attribute name.
                "UpdateExpression": "ADD #unread :delta",
                "ExpressionAttributeNames": {"#unread": "unreadThreads"},
                "ExpressionAttributeValues": dynamo.to_item({":delta": delta}),
            }
        }
    )
