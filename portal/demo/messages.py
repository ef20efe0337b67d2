"""Step "messages": secure-message threads between patients and their care
team, written over the past days through the messages room (the clock moved
to each message's moment): the patient starts the thread, the doctor opens
and answers it, the patient opens the answer and writes back. Where a
thread stops decides who has not read it yet: the demo patient has answers
waiting for them, and the demo doctor has questions waiting for theirs; one
thread the doctor closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from medisecure import clock
from patients.messages.selectors import message_threads_all
from patients.messages.services import (
    message_reply,
    message_thread_close,
    message_thread_open,
    message_thread_start,
)
from portal.demo.clinic import DemoClinic

PATIENT, DOCTOR = "patient", "doctor"


@dataclass(frozen=True)
class Conversation:
    patient: str
    doctor: str
    subject: str
    # (who writes, hours ago, what they write), oldest first; the patient
    # writes first. Each writer has opened the thread before answering.
    turns: tuple[tuple[str, int, str], ...]
    closed: bool = False  # the doctor closed it after the last message


CONVERSATIONS = (
    Conversation(
        "jordan",
        "sample",
        "Home blood pressure readings",
        (
            (
                PATIENT,
                150,
                "I have been checking my blood pressure at home every morning. "
                "It is mostly around 130 over 84. Is that good enough?",
            ),
            (
                DOCTOR,
                126,
                "Thank you, those readings are close to where we want them. "
                "Keep taking lisinopril and keep a note of the readings for your next review.",
            ),
            (
                PATIENT,
                5,
                "One reading this morning was 145 over 92 after a bad night's sleep. Should I worry?",
            ),
        ),
    ),
    Conversation(
        "jordan",
        "sample",
        "Repeat prescription for lisinopril",
        (
            (PATIENT, 70, "I have one week of lisinopril left. Could you renew the prescription?"),
            (
                DOCTOR,
                20,
                "Done: the pharmacy has a new prescription for three months. "
                "Book a review for when it runs out.",
            ),
        ),
    ),
    Conversation(
        "jordan",
        "nowak",
        "Heart rate while running",
        (
            (
                PATIENT,
                260,
                "My watch says my heart rate goes up to 175 when I run. Is that safe for me?",
            ),
            (
                DOCTOR,
                240,
                "That is a normal maximum for your age. Build up slowly, "
                "and stop and tell us if you have chest pain or feel faint.",
            ),
            (PATIENT, 230, "Thank you, that is reassuring."),
        ),
        closed=True,
    ),
    Conversation(
        "jose",
        "sample",
        "Metformin and my stomach",
        (
            (
                PATIENT,
                28,
                "The metformin still upsets my stomach some mornings. Can I take it with breakfast?",
            ),
        ),
    ),
    Conversation(
        "amelie",
        "sample",
        "Muscle aches on atorvastatin",
        (
            (PATIENT, 96, "Since starting atorvastatin my legs ache after walking. Is it the tablets?"),
            (
                DOCTOR,
                50,
                "It can be. Please book a visit this week so we can check a blood test; "
                "keep taking it until then unless the aches get worse.",
            ),
        ),
    ),
    Conversation(
        "maria",
        "nowak",
        "Bruising on apixaban",
        ((PATIENT, 9, "I bruise easily since starting apixaban. Is that expected?"),),
    ),
    Conversation(
        "lukasz",
        "okafor",
        "Inhaler running out",
        (
            (PATIENT, 120, "My salbutamol inhaler is nearly empty. Can I have another?"),
            (DOCTOR, 100, "A new inhaler is ready at the pharmacy."),
            (PATIENT, 98, "Collected it, thank you."),
        ),
    ),
)


def messages_seed(clinic: DemoClinic) -> str:
    now = clock.now()
    started = 0
    for conversation in CONVERSATIONS:
        if _started_before(clinic, conversation):
            continue  # a run cut short wrote it already
        _converse(clinic, conversation, now)
        started += 1
    return f"{started} message threads"


def _started_before(clinic: DemoClinic, conversation: Conversation) -> bool:
    threads = message_threads_all(patient_id=clinic.sub_of_patient(conversation.patient))
    return any(thread.subject == conversation.subject for thread, _messages in threads)


def _converse(clinic: DemoClinic, conversation: Conversation, now: datetime) -> None:
    patient, doctor = clinic.patient(conversation.patient), clinic.doctor(conversation.doctor)
    patient_id = clinic.sub_of_patient(conversation.patient)
    (first_side, first_hours, first_text), *answers = conversation.turns
    assert first_side == PATIENT  # only a patient starts a thread
    with clock.shifted_to(now - timedelta(hours=first_hours)):
        sent = message_thread_start(
            actor=patient,
            audit=clinic.audit,
            provider_id=clinic.sub_of_doctor(conversation.doctor),
            subject=conversation.subject,
            body=first_text,
        )
    thread_id = sent.thread.thread_id
    for side, hours, text in answers:
        writer = doctor if side == DOCTOR else patient
        named = patient_id if side == DOCTOR else ""
        # The writer reads what came before a moment before answering.
        with clock.shifted_to(now - timedelta(hours=hours, minutes=10)):
            message_thread_open(
                actor=writer, audit=clinic.audit, thread_id=thread_id, patient_id=named, page_token=None
            )
        with clock.shifted_to(now - timedelta(hours=hours)):
            message_reply(actor=writer, audit=clinic.audit, thread_id=thread_id, body=text, patient_id=named)
    if conversation.closed:
        last_hours = conversation.turns[-1][1]
        with clock.shifted_to(now - timedelta(hours=last_hours) + timedelta(hours=2)):
            message_thread_open(
                actor=doctor, audit=clinic.audit, thread_id=thread_id, patient_id=patient_id, page_token=None
            )
            message_thread_close(actor=doctor, audit=clinic.audit, patient_id=patient_id, thread_id=thread_id)
