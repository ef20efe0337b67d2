"""The secure-message forms in the hostile-input registry
(tests/form_registry.py adds them to TARGETS). The cast's doctor is in the
cast's patient's care team. 429: the hour's 20 messages are used up."""

from __future__ import annotations

from medisecure.forms import PageForm
from patients.messages.forms import ComposeForm, ReplyForm
from tests.access_matrix import DOCTOR, PATIENT
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup

SENDING = frozenset({200, 302, 429})


def _start_thread(setup: Setup) -> None:
    from patients.messages.tests.support import start_thread

    setup.made["thread"] = start_thread(setup.cast).thread


def _compose(setup: Setup) -> dict:
    return {
        "doctor": setup.cast.doctor.sub,
        "subject": "A question about my tablets",
        "body": "Can I take them with food?\nThank you.",
        "document": "",
    }


def _thread(setup: Setup) -> str:
    return f"/patient/messages/{setup.made['thread'].thread_id}/"


def _doctor_thread(setup: Setup) -> str:
    return f"/doctor/messages/{setup.cast.patient.sub}/{setup.made['thread'].thread_id}/"


MESSAGE_TARGETS = (
    FormTarget(
        "messages:compose",
        PATIENT,
        ComposeForm,
        _compose,
        lambda setup: "/patient/messages/new/",
        statuses=SENDING,
    ),
    FormTarget(
        "messages:reply",
        PATIENT,
        ReplyForm,
        lambda setup: {"body": "Thank you, doctor."},
        lambda setup: f"{_thread(setup)}reply/",
        prepare=_start_thread,
        statuses=SENDING,
    ),
    FormTarget(
        "doctor_messages:reply",
        DOCTOR,
        ReplyForm,
        lambda setup: {"body": "Yes, with food is best."},
        lambda setup: f"{_doctor_thread(setup)}reply/",
        prepare=_start_thread,
        statuses=SENDING,
    ),
    # It reads no input: the thread is named by the path.
    FormTarget(
        "doctor_messages:close",
        DOCTOR,
        None,
        lambda setup: {},
        lambda setup: f"{_doctor_thread(setup)}close/",
        prepare=_start_thread,
    ),
    FormTarget(
        "messages:inbox",
        PATIENT,
        PageForm,
        lambda setup: {"page": ""},
        lambda setup: "/patient/messages/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "doctor_messages:inbox",
        DOCTOR,
        PageForm,
        lambda setup: {"page": ""},
        lambda setup: "/doctor/messages/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
)
