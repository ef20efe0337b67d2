"""Writing secure messages as the cast, without a browser."""

from __future__ import annotations

from medisecure.identity.actors import NO_REQUEST, Actor
from patients.messages import services
from patients.messages.domain import Sent

BODY = "My cough is back since Monday.\nShould I come in?"
SUBJECT = "Cough again"


def actor(person) -> Actor:
    return Actor(user_id=person.sub, role=person.role.value)


def start_thread(cast, *, body: str = BODY, subject: str = SUBJECT, document_reference: str = "") -> Sent:
    """The cast's patient writes to the cast's doctor (who cares for them)."""
    return services.message_thread_start(
        actor=actor(cast.patient),
        audit=NO_REQUEST,
        provider_id=cast.doctor.sub,
        subject=subject,
        body=body,
        document_reference=document_reference,
    )
