"""Secure messages between a patient and a doctor of their care team: a
thread (its subject, its two people, whether each has read it, open or
closed) and the messages in it, in order. Plain data and rules only.

A thread lives in its own partition of the messages table: its header and
its messages, numbered 1, 2, 3... by the header's sequence counter. Every
change to a thread replaces its header on a condition on its version, so
two replies sent at once both land, one after the other, each with its own
number (the loser of the race reads the header again and takes the next).
The header is also each side's inbox item (medisecure.tables.MESSAGES)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace

from medisecure.errors import ConcurrentUpdate, DomainError, NotFound

SUBJECT_MAX = 120
BODY_MAX = 5000
OPEN = "open"
CLOSED = "closed"
PATIENT = "patient"
DOCTOR = "doctor"
SIDES = (PATIENT, DOCTOR)
THREAD_ID_SHAPE = re.compile(r"^[0-9a-f]{32}$")
# Replies racing for the same thread: each loser reads it again this often.
SEND_ATTEMPTS = 6


def new_thread_id() -> str:
    return secrets.token_hex(16)


def other_side(side: str) -> str:
    return DOCTOR if side == PATIENT else PATIENT


def inbox_order(*, unread: bool, last_at: str) -> str:
    """An inbox's sort key: unread threads first, then the newest first
    (the inbox is read in descending order)."""
    return f"{'1' if unread else '0'}#{last_at}"


@dataclass(frozen=True)
class Thread:
    thread_id: str
    patient_id: str
    provider_id: str
    patient_name: str
    provider_name: str
    subject: str
    status: str
    created_at: str  # clock.stamp
    last_at: str  # clock.stamp of the latest message
    last_side: str  # who wrote the latest message
    seq: int  # how many messages the thread holds
    version: int
    patient_unread: bool
    doctor_unread: bool

    @property
    def closed(self) -> bool:
        return self.status == CLOSED

    def unread_for(self, side: str) -> bool:
        return self.patient_unread if side == PATIENT else self.doctor_unread

    def read_by(self, side: str) -> Thread:
        """The thread once `side` has read it."""
        if side == PATIENT:
            return replace(self, version=self.version + 1, patient_unread=False)
        return replace(self, version=self.version + 1, doctor_unread=False)

    def with_message(self, *, side: str, sent_at: str) -> Thread:
        """The thread once `side` has added a message: read by its writer,
        unread for the other side."""
        return replace(
            self,
            seq=self.seq + 1,
            version=self.version + 1,
            last_at=sent_at,
            last_side=side,
            patient_unread=side != PATIENT,
            doctor_unread=side != DOCTOR,
        )

    def closed_by_doctor(self) -> Thread:
        return replace(self, status=CLOSED, version=self.version + 1, doctor_unread=False)


@dataclass(frozen=True)
class Message:
    thread_id: str
    seq: int
    side: str  # PATIENT or DOCTOR: who wrote it
    author_id: str
    author_name: str
    body: str
    sent_at: str  # clock.stamp
    document_reference: str = ""  # one of the patient's documents, attached
    document_name: str = ""


@dataclass(frozen=True)
class ThreadAccess:
    """A thread as the actor may see it: the thread, which side they are on,
    the audit chain's head read with it, and (for a reply) the record of
    the person on the other side, for the notification email."""

    thread: Thread
    side: str
    head: object
    recipient_email: str = ""


@dataclass(frozen=True)
class ThreadPage:
    thread: Thread
    side: str
    messages: list[Message]
    next_page: str | None
    was_unread: bool


@dataclass(frozen=True)
class Inbox:
    side: str
    threads: list[Thread]
    next_page: str | None


@dataclass(frozen=True)
class Sent:
    """A message that was stored, and whether its notification email went."""

    thread: Thread
    message: Message
    emailed: bool


@dataclass(frozen=True)
class Recipient:
    """A doctor of the patient's care team they may write to."""

    provider_id: str
    name: str
    specialty: str


@dataclass(frozen=True)
class Compose:
    """What the new-message page offers: the doctors of the care team and
    the patient's latest documents, to attach one."""

    recipients: list[Recipient]
    documents: list[tuple[str, str]]  # (reference, name)


class ThreadNotFound(NotFound):
    """No such thread, or none the actor may see (another patient's, a doctor
    no longer in the care team): the two answer alike."""


class RecipientNotFound(NotFound):
    """The doctor written to is not in the patient's care team."""


class AttachmentNotFound(DomainError):
    """The document to attach is not one of the patient's."""


class ThreadClosed(DomainError):
    """The doctor closed the thread: it takes no more replies."""


class ThreadChanged(ConcurrentUpdate):
    """The thread moved on (a reply, a read) between our read and our write."""


class MessageRateLimited(DomainError):
    def __init__(self, retry_after_seconds: int):
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds
