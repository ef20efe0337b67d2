"""Secure-message writes: a patient writes to a doctor of their care team,
either side replies, a doctor closes a thread, and opening a thread marks
it read. Each change and its audit event go in one transaction; the
notification email goes after it, and its failure keeps the message.

Events hold ids and numbers only, never a subject or a message's text."""

from __future__ import annotations

from django.urls import reverse

from audit.domain import DENIED
from audit.services import audit_event_add, audit_record, chain_head_read
from clinicians import selectors as clinicians
from medisecure import clock, dynamo, rate_limits
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients import selectors as patients
from patients.care_team import selectors as care_team
from patients.documents import selectors as documents
from patients.domain import own_patient_id
from patients.messages import emails, repository, selectors
from patients.messages.domain import (
    DOCTOR,
    OPEN,
    PATIENT,
    SEND_ATTEMPTS,
    AttachmentNotFound,
    Message,
    MessageRateLimited,
    RecipientNotFound,
    Sent,
    Thread,
    ThreadAccess,
    ThreadChanged,
    ThreadClosed,
    ThreadNotFound,
    ThreadPage,
    new_thread_id,
    other_side,
)

RATE_LIMIT = "message_send"
RESOURCE = "message_thread"


def _count_sending(actor: Actor) -> None:
    try:
        rate_limits.rate_limit_attempt(name=RATE_LIMIT, subject=actor.user_id)
    except rate_limits.RateLimited as limited:
        raise MessageRateLimited(limited.retry_after_seconds) from limited


def _thread_url(thread: Thread, side: str) -> str:
    """Where `side` reads the thread."""
    if side == PATIENT:
        return reverse("messages:thread", args=[thread.thread_id])
    return reverse("doctor_messages:thread", args=[thread.patient_id, thread.thread_id])


def _notify(thread: Thread, *, to_side: str) -> bool:
    """Email the other side that there is a new message; whether SES took it."""
    if to_side == PATIENT:
        patient = patients.patient_get(patient_id=thread.patient_id)
        address, language = (patient.email, patient.preferred_language) if patient else ("", "")
    else:
        provider = clinicians.provider_get(provider_id=thread.provider_id)
        address, language = (provider.email if provider else ""), ""
    if not address:
        return False
    return emails.send(
        emails.new_message(to=address, thread_url=_thread_url(thread, to_side), language=language)
    )


def _audit(
    tx: Transaction, actor: Actor, audit: AuditContext, action: str, thread: Thread, head, **detail
) -> None:
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        resource_type=RESOURCE,
        resource_id=thread.thread_id,
        patient_id=thread.patient_id,
        detail={"provider_id": thread.provider_id, **detail},
        head=head,
    )


def _unread_counts(tx: Transaction, before: Thread, after: Thread) -> None:
    """Move each side's unread counter as the thread's flags moved."""
    for side, user_id in ((PATIENT, before.patient_id), (DOCTOR, before.provider_id)):
        delta = int(after.unread_for(side)) - int(before.unread_for(side))
        if delta:
            repository.unread_count_add(tx, user_id, delta)


# --- Writing ------------------------------------------------------------------------


def message_thread_start(
    *,
    actor: Actor,
    audit: AuditContext,
    provider_id: str,
    subject: str,
    body: str,
    document_reference: str = "",
) -> Sent:
    """The patient writes to a doctor of their care team. Reads the patient,
    the care-team link, the doctor, the audit chain's head and the document
    to attach in one round trip; writes the thread, its first message, the
    doctor's unread counter and the event in one transaction; then emails
    the doctor. Raises MessageRateLimited past 20 messages an hour,
    RecipientNotFound (audited) for a doctor outside the care team, and
    AttachmentNotFound for a document that is not the patient's."""
    patient_id = own_patient_id(actor)
    _count_sending(actor)
    document_read = (
        documents.document_read(patient_id=patient_id, reference=document_reference)
        if document_reference
        else None
    )
    if document_reference and document_read is None:
        raise AttachmentNotFound
    reads: list[dynamo.ItemRead] = [
        patients.patient_read(patient_id=patient_id),
        care_team.care_team_link_read(patient_id=patient_id, provider_id=provider_id),
        clinicians.provider_read(provider_id=provider_id),
        chain_head_read(),
    ]
    if document_read is not None:
        reads.append(document_read)
    patient, link, provider, head, *attached = dynamo.read_together(*reads, consistent=True)
    if patient is None or link is None or provider is None:
        audit_record(
            actor=actor,
            audit=audit,
            action="message.send",
            outcome=DENIED,
            resource_type=RESOURCE,
            patient_id=patient_id,
            detail={"reason": "not_in_care_team", "provider_id": provider_id[:64]},
            head=head,
        )
        raise RecipientNotFound(audited=True)
    document = attached[0] if attached else None
    if document_reference and document is None:
        raise AttachmentNotFound
    now = clock.stamp()
    thread = Thread(
        thread_id=new_thread_id(),
        patient_id=patient_id,
        provider_id=provider_id,
        patient_name=patient.full_name,
        provider_name=provider.display_name,
        subject=subject,
        status=OPEN,
        created_at=now,
        last_at=now,
        last_side=PATIENT,
        seq=1,
        version=1,
        patient_unread=False,
        doctor_unread=True,
    )
    message = Message(
        thread_id=thread.thread_id,
        seq=1,
        side=PATIENT,
        author_id=actor.user_id,
        author_name=patient.full_name,
        body=body,
        sent_at=now,
        document_reference=document.reference if document else "",
        document_name=document.file_name if document else "",
    )
    tx = Transaction()
    repository.thread_add(tx, thread)
    repository.message_add(tx, message)
    repository.unread_count_add(tx, provider_id, 1)
    _audit(
        tx,
        actor,
        audit,
        "message.send",
        thread,
        head,
        seq=1,
        document_id=document.document_id if document else "",
    )
    tx.commit()
    return Sent(thread=thread, message=message, emailed=_notify(thread, to_side=DOCTOR))


def message_reply(
    *, actor: Actor, audit: AuditContext, thread_id: str, body: str, patient_id: str = ""
) -> Sent:
    """Either side replies to a thread they may see (a doctor names the
    patient, as the address does). Two replies at once both land, in the
    order DOCTOR decides: each is written at the thread's next number only
    while the thread is as read, and the loser reads it again. Raises
    ThreadNotFound (audited), ThreadClosed, MessageRateLimited."""
    _count_sending(actor)
    for _attempt in range(SEND_ATTEMPTS):
        access = selectors.thread_get_for(
            actor=actor, audit=audit, thread_id=thread_id, patient_id=patient_id
        )
        before = access.thread
        if before.closed:
            raise ThreadClosed
        now = clock.stamp()
        after = before.with_message(side=access.side, sent_at=now)
        message = Message(
            thread_id=before.thread_id,
            seq=after.seq,
            side=access.side,
            author_id=actor.user_id,
            author_name=before.patient_name if access.side == PATIENT else before.provider_name,
            body=body,
            sent_at=now,
        )
        tx = Transaction()
        repository.thread_replace(tx, after, read_version=before.version)
        repository.message_add(tx, message)
        _unread_counts(tx, before, after)
        _audit(tx, actor, audit, "message.reply", after, access.head, seq=after.seq)
        try:
            tx.commit()
        except ThreadChanged:
            continue
        return Sent(thread=after, message=message, emailed=_notify(after, to_side=other_side(access.side)))
    raise ThreadChanged


def message_thread_close(*, actor: Actor, audit: AuditContext, patient_id: str, thread_id: str) -> Thread:
    """The doctor marks a thread closed: it takes no more replies. Closing a
    closed thread changes nothing. Raises ThreadNotFound (audited)."""
    for _attempt in range(SEND_ATTEMPTS):
        access = selectors.thread_get_for(
            actor=actor, audit=audit, thread_id=thread_id, patient_id=patient_id
        )
        if access.side != DOCTOR:
            raise ThreadNotFound
        before = access.thread
        if before.closed:
            return before
        after = before.closed_by_doctor()
        tx = Transaction()
        repository.thread_replace(tx, after, read_version=before.version)
        _unread_counts(tx, before, after)
        _audit(tx, actor, audit, "message.thread.close", after, access.head)
        try:
            tx.commit()
        except ThreadChanged:
            continue
        return after
    raise ThreadChanged


# --- Reading (which marks a thread read) ----------------------------------------------


def message_thread_open(
    *,
    actor: Actor,
    audit: AuditContext,
    thread_id: str,
    patient_id: str = "",
    page_token: str | None,
    mark_read: bool = True,
) -> ThreadPage:
    """A page of a thread, newest first, in three round trips: the thread
    with the care-team link and the audit chain's head, its messages, and
    one transaction with the read's event that (on the first page, if the
    thread was unread for the reader) marks it read and moves their unread
    counter (not with `mark_read` False: the page shown again with a
    refused reply changes nothing). Raises ThreadNotFound (audited), or
    dynamo.InvalidPageToken."""
    for _attempt in range(SEND_ATTEMPTS):
        access: ThreadAccess = selectors.thread_get_for(
            actor=actor, audit=audit, thread_id=thread_id, patient_id=patient_id
        )
        thread = access.thread
        messages, next_page = selectors.thread_messages_page(
            thread_id=thread.thread_id, page_token=page_token
        )
        was_unread = thread.unread_for(access.side) and page_token is None and mark_read
        tx = Transaction()
        if was_unread:
            after = thread.read_by(access.side)
            repository.thread_replace(tx, after, read_version=thread.version)
            _unread_counts(tx, thread, after)
            thread = after
        _audit(tx, actor, audit, "message.thread.read", thread, access.head, seqs=[m.seq for m in messages])
        try:
            tx.commit()
        except ThreadChanged:
            continue
        return ThreadPage(
            thread=thread, side=access.side, messages=messages, next_page=next_page, was_unread=was_unread
        )
    raise ThreadChanged
