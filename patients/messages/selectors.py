"""Reads of secure messages: who may open a thread (decided in
`thread_get_for` alone), each side's inbox, the short lists and counts the
home pages show, and a patient's every message for their record's download.

A patient sees only their own threads: their id is always the actor's. A
doctor sees a thread written to them while they are in the patient's care
team; a doctor who leaves it loses the thread (404, audited), like anyone
with no relationship to it."""

from __future__ import annotations

from typing import NoReturn

from audit.domain import ALLOWED, DENIED, ChainHead
from audit.services import audit_record, chain_head_read
from clinicians import selectors as clinicians
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from patients.care_team import selectors as care_team
from patients.documents import selectors as documents
from patients.messages import repository
from patients.messages.domain import (
    DOCTOR,
    PATIENT,
    THREAD_ID_SHAPE,
    Compose,
    Inbox,
    Message,
    Recipient,
    Thread,
    ThreadAccess,
    ThreadNotFound,
)

INBOX_PAGE = 20
THREAD_PAGE = 20
HOME_LIST = 5
# Refusals name what was asked for, cut to a length that names no one else.
REFUSED_ID_LIMIT = 64
ID_LIMIT = 128


def _side_of(actor: Actor) -> str | None:
    if actor.has_role(Role.PATIENT):
        return PATIENT
    if actor.has_role(Role.DOCTOR):
        return DOCTOR
    return None


def _refuse(
    actor: Actor, audit: AuditContext, thread_id: str, patient_id: str, reason: str, head: ChainHead | None
) -> NoReturn:
    audit_record(
        actor=actor,
        audit=audit,
        action="message.thread.access",
        outcome=DENIED,
        resource_type="message_thread",
        resource_id=thread_id[:REFUSED_ID_LIMIT],
        patient_id=patient_id[:REFUSED_ID_LIMIT],
        detail={"reason": reason},
        head=head,
    )
    raise ThreadNotFound(audited=True)


def thread_get_for(
    *, actor: Actor, audit: AuditContext, thread_id: str, patient_id: str = ""
) -> ThreadAccess:
    """The thread `thread_id` as `actor` may see it, read in one round trip
    with the audit chain's head (and, for a doctor, their care-team link to
    `patient_id`, the patient the address names). Callers audit the allowed
    read or change themselves, on the returned head.

    Raises ThreadNotFound (audited) for an id that names no thread, another
    patient's thread, a thread written to another doctor, or one whose
    patient the doctor no longer cares for."""
    side = _side_of(actor)
    if side == PATIENT:
        patient_id = actor.user_id
    if side is None or not THREAD_ID_SHAPE.match(thread_id) or not patient_id or len(patient_id) > ID_LIMIT:
        _refuse(actor, audit, thread_id, patient_id, "no_such_thread", None)
    reads: list[dynamo.ItemRead] = [repository.thread_read(thread_id), chain_head_read()]
    if side == DOCTOR:
        reads.append(care_team.care_team_link_read(patient_id=patient_id, provider_id=actor.user_id))
    thread, head, *link = dynamo.read_together(*reads, consistent=True)
    if thread is None or thread.patient_id != patient_id:
        _refuse(actor, audit, thread_id, patient_id, "no_such_thread", head)
    if side == DOCTOR and (thread.provider_id != actor.user_id or link[0] is None):
        _refuse(actor, audit, thread_id, patient_id, "no_relationship", head)
    return ThreadAccess(thread=thread, side=side, head=head)


def thread_messages_page(*, thread_id: str, page_token: str | None) -> tuple[list[Message], str | None]:
    """One page of a thread's messages, newest first, for services that
    checked access and audit the read. Raises dynamo.InvalidPageToken."""
    return repository.messages_page(thread_id, limit=THREAD_PAGE, page_token=page_token)


def message_inbox_list(*, actor: Actor, audit: AuditContext, page_token: str | None) -> Inbox:
    """One page of the actor's threads, unread first, then newest first: one
    Query of their inbox index; for a doctor, one BatchGetItem of their
    care-team links to the patients on the page (a thread of a patient they
    no longer care for is not shown); then the audit event. Raises
    dynamo.InvalidPageToken for a token not issued for this inbox."""
    side = _side_of(actor)
    if side is None:
        raise ThreadNotFound
    threads, next_page = repository.inbox_page(side, actor.user_id, limit=INBOX_PAGE, page_token=page_token)
    if side == DOCTOR and threads:
        links = dynamo.read_together(
            *(
                care_team.care_team_link_read(patient_id=thread.patient_id, provider_id=actor.user_id)
                for thread in threads
            )
        )
        threads = [thread for thread, link in zip(threads, links) if link is not None]
    audit_record(
        actor=actor,
        audit=audit,
        action="message.inbox.read",
        outcome=ALLOWED,
        resource_type="message_inbox",
        resource_id=actor.user_id,
        patient_id=actor.user_id if side == PATIENT else "",
        detail={"thread_ids": [thread.thread_id for thread in threads]},
    )
    return Inbox(side=side, threads=threads, next_page=next_page)


def message_compose_get(*, actor: Actor, audit: AuditContext) -> Compose:
    """What the patient may write to and attach: the doctors of their care
    team and their latest documents, then the audit event."""
    patient_id = actor.user_id
    members = care_team.care_team_members_list(patient_id=patient_id)
    doctors = clinicians.providers_get_many(provider_ids=[member.provider_id for member in members])
    recent = documents.document_recent_list(patient_id=patient_id)
    audit_record(
        actor=actor,
        audit=audit,
        action="message.compose",
        outcome=ALLOWED,
        resource_type="message_inbox",
        resource_id=patient_id,
        patient_id=patient_id,
    )
    recipients = sorted(
        (
            Recipient(provider_id=doctor.provider_id, name=doctor.display_name, specialty=doctor.specialty)
            for doctor in doctors.values()
        ),
        key=lambda recipient: recipient.name,
    )
    return Compose(
        recipients=recipients, documents=[(document.reference, document.file_name) for document in recent]
    )


# --- For the home pages -------------------------------------------------------------
# Not audited here: the home page audits its own read.


def unread_count_read(*, user_id: str) -> dynamo.ItemRead[int]:
    """How many of a person's threads are unread, to read in one round trip
    with other items (medisecure.dynamo.read_together)."""
    return repository.unread_count_read(user_id)


def message_unread_list(*, provider_id: str, limit: int = HOME_LIST) -> list[Thread]:
    """A doctor's unread threads, newest first: one Query of their inbox."""
    threads, _ = repository.inbox_page(DOCTOR, provider_id, limit=limit, unread_only=True)
    return threads


# --- For the record's download --------------------------------------------------------


def message_threads_all(*, patient_id: str) -> list[tuple[Thread, list[Message]]]:
    """Every thread of the patient with its messages (oldest first), for
    the download of their whole record (patients.exports), which audits its
    own read."""
    threads = sorted(repository.threads_all(PATIENT, patient_id), key=lambda thread: thread.created_at)
    return [(thread, repository.messages_all(thread.thread_id)) for thread in threads]
