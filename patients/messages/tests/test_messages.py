"""Secure messages from the patient to a doctor of their care team and
back: the whole loop through the pages, who may open a thread (no one but
its two people, and the doctor only while in the care team), the
notification that says nothing of the message, and replies racing."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import EndpointConnectionError
from django.test import Client

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.care_team import services as care_team_services
from patients.messages import repository, selectors, services
from patients.messages.domain import THREAD_ID_SHAPE, ThreadNotFound
from patients.messages.tests.support import BODY, SUBJECT, actor, start_thread
from tests import faults
from tests.support import in_parallel, mail_to, sign_in

pytestmark = pytest.mark.django_db


def _signed_in(person) -> Client:
    client = Client()
    sign_in(client, person.email)
    return client


def _thread_id(response) -> str:
    thread_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert THREAD_ID_SHAPE.match(thread_id)
    return thread_id


def test_a_patient_writes_the_doctor_replies_the_patient_answers_and_the_doctor_closes(cast):
    patient, doctor = _signed_in(cast.patient), _signed_in(cast.doctor)
    page = patient.get("/patient/messages/new/")
    assert page.status_code == 200 and cast.doctor.sub in page.content.decode()

    sent = patient.post(
        "/patient/messages/new/",
        {"doctor": cast.doctor.sub, "subject": SUBJECT, "body": BODY + "<script>alert(1)</script>"},
    )
    assert sent.status_code == 302
    thread_id = _thread_id(sent)

    inbox = doctor.get("/doctor/messages/").content.decode()
    assert SUBJECT in inbox and "New" in inbox
    path = f"/doctor/messages/{cast.patient.sub}/{thread_id}/"
    opened = doctor.get(path).content.decode()
    # Escaped, with its line break kept.
    assert "My cough is back since Monday.<br>Should I come in?" in opened
    assert "<script>alert(1)" not in opened and "&lt;script&gt;" in opened

    assert doctor.post(f"{path}reply/", {"body": "Please come in tomorrow."}).status_code == 302
    assert patient.post(f"/patient/messages/{thread_id}/reply/", {"body": "Thank you."}).status_code == 302
    assert doctor.post(f"{path}close/").status_code == 302

    thread = patient.get(f"/patient/messages/{thread_id}/").content.decode()
    assert (
        thread.index("Thank you.")
        < thread.index("Please come in tomorrow.")
        < thread.index("Should I come in?")
    )
    assert "This conversation is closed" in thread
    refused = patient.post(f"/patient/messages/{thread_id}/reply/", {"body": "One more thing"}, follow=True)
    assert "your reply was not sent" in refused.content.decode()
    messages, _ = repository.messages_page(thread_id, limit=10, page_token=None)
    assert [message.seq for message in messages] == [3, 2, 1]
    actions = [event.action for event in audit_log.list_by("patientId", cast.patient.sub, limit=100)[0]]
    for action in ("message.send", "message.reply", "message.thread.read", "message.thread.close"):
        assert action in actions


def test_unread_counts_follow_each_message_and_each_read(cast):
    sent = start_thread(cast)
    doctor, patient = actor(cast.doctor), actor(cast.patient)
    counts = lambda: (  # noqa: E731
        selectors.message_unread_list(provider_id=cast.doctor.sub),
        _count(cast.patient.sub),
        _count(cast.doctor.sub),
    )
    unread, patient_count, doctor_count = counts()
    assert [thread.thread_id for thread in unread] == [sent.thread.thread_id]
    assert (patient_count, doctor_count) == (0, 1)

    services.message_thread_open(
        actor=doctor,
        audit=NO_REQUEST,
        thread_id=sent.thread.thread_id,
        patient_id=cast.patient.sub,
        page_token=None,
    )
    assert counts()[1:] == (0, 0) and counts()[0] == []
    services.message_reply(
        actor=doctor,
        audit=NO_REQUEST,
        thread_id=sent.thread.thread_id,
        patient_id=cast.patient.sub,
        body="Yes",
    )
    assert counts()[1:] == (1, 0)
    services.message_thread_open(
        actor=patient, audit=NO_REQUEST, thread_id=sent.thread.thread_id, page_token=None
    )
    assert counts()[1:] == (0, 0)


def _count(user_id: str) -> int:
    from medisecure import dynamo

    return dynamo.read_together(selectors.unread_count_read(user_id=user_id))[0]


def _thread_urls(cast, thread_id: str) -> dict:
    return {
        "patient": [
            ("get", f"/patient/messages/{thread_id}/"),
            ("post", f"/patient/messages/{thread_id}/reply/"),
        ],
        "doctor": [
            ("get", f"/doctor/messages/{cast.patient.sub}/{thread_id}/"),
            ("post", f"/doctor/messages/{cast.patient.sub}/{thread_id}/reply/"),
            ("post", f"/doctor/messages/{cast.patient.sub}/{thread_id}/close/"),
        ],
    }


def _denials(person) -> int:
    events, _ = audit_log.list_by("userId", person.sub, limit=100)
    return len([event for event in events if event.outcome == "denied"])


def test_another_patient_and_a_doctor_outside_the_care_team_get_a_404_on_every_thread_url(cast):
    thread_id = start_thread(cast).thread.thread_id
    urls = _thread_urls(cast, thread_id)
    for person, kind in ((cast.other_patient, "patient"), (cast.other_doctor, "doctor")):
        client = _signed_in(person)
        for method, path in urls[kind]:
            before = _denials(person)
            response = getattr(client, method)(path, {"body": "Let me in"} if method == "post" else {})
            assert response.status_code == 404, (person.email, path)
            assert SUBJECT not in response.content.decode()
            assert _denials(person) == before + 1, path
    messages, _ = repository.messages_page(thread_id, limit=10, page_token=None)
    assert len(messages) == 1
    assert repository_thread(thread_id).status == "open"


def repository_thread(thread_id):
    from medisecure import dynamo

    return dynamo.read_together(repository.thread_read(thread_id))[0]


def test_a_doctor_who_leaves_the_care_team_loses_the_thread(cast):
    thread_id = start_thread(cast).thread.thread_id
    admin = actor(cast.admin)
    care_team_services.care_team_member_remove(
        actor=admin, audit=NO_REQUEST, patient_id=cast.patient.sub, provider_id=cast.doctor.sub
    )
    doctor = _signed_in(cast.doctor)
    before = _denials(cast.doctor)

    assert doctor.get(f"/doctor/messages/{cast.patient.sub}/{thread_id}/").status_code == 404
    assert _denials(cast.doctor) == before + 1
    assert SUBJECT not in doctor.get("/doctor/messages/").content.decode()
    with pytest.raises(ThreadNotFound):
        services.message_reply(
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            thread_id=thread_id,
            patient_id=cast.patient.sub,
            body="Hi",
        )


def test_a_patient_cannot_write_to_a_doctor_outside_their_care_team(cast):
    client = _signed_in(cast.patient)
    response = client.post(
        "/patient/messages/new/", {"doctor": cast.other_doctor.sub, "subject": SUBJECT, "body": BODY}
    )
    assert response.status_code == 200
    assert "Choose a doctor of your care team from the list." in response.content.decode()
    assert repository.inbox_page("doctor", cast.other_doctor.sub, limit=5)[0] == []


def test_the_notification_says_there_is_a_message_and_nothing_of_it(cast, local_stack):
    thread_id = start_thread(cast).thread.thread_id
    services.message_reply(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        thread_id=thread_id,
        patient_id=cast.patient.sub,
        body="Come in at nine",
    )
    for person, link in (
        (cast.doctor, f"/doctor/messages/{cast.patient.sub}/{thread_id}/"),
        (cast.patient, f"/patient/messages/{thread_id}/"),
    ):
        [mail] = mail_to(local_stack, person.email)
        assert mail["subject"] == "You have a new message in MediSecure"
        assert link in mail["body"]
        for secret in (SUBJECT, "cough", "Should I come in", "Come in at nine", "Jordan", "Example"):
            assert secret.lower() not in (mail["subject"] + mail["body"]).lower(), secret


def _refuse(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


def test_a_message_sent_while_ses_is_down_is_kept_and_the_page_says_the_notification_did_not_go(cast):
    client = _signed_in(cast.patient)
    with faults.at_send("sesv2", _refuse):
        response = client.post(
            "/patient/messages/new/",
            {"doctor": cast.doctor.sub, "subject": SUBJECT, "body": BODY},
            follow=True,
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "could not email a notification" in page and "Should I come in?" in page


def test_two_replies_at_once_both_land_in_order(cast):
    thread_id = start_thread(cast).thread.thread_id
    bodies = iter(f"Reply {number}" for number in range(6))

    def reply():
        who = cast.doctor if next(bodies).endswith(("0", "2", "4")) else cast.patient
        return services.message_reply(
            actor=actor(who),
            audit=NO_REQUEST,
            thread_id=thread_id,
            patient_id=cast.patient.sub,
            body=f"from {who.sub}",
        )

    outcomes = in_parallel(reply, count=6)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    messages, _ = repository.messages_page(thread_id, limit=20, page_token=None)
    assert [message.seq for message in messages] == [7, 6, 5, 4, 3, 2, 1]
    assert sorted(outcome.message.seq for outcome in outcomes) == [2, 3, 4, 5, 6, 7]
    assert repository_thread(thread_id).seq == 7
    times = [message.sent_at for message in reversed(messages)]
    assert times == sorted(times)


def test_a_message_longer_than_5000_characters_is_refused_and_nothing_is_stored(cast):
    client = _signed_in(cast.patient)
    response = client.post(
        "/patient/messages/new/", {"doctor": cast.doctor.sub, "subject": SUBJECT, "body": "x" * 5001}
    )
    assert response.status_code == 200
    assert "Your message is too long" in response.content.decode()
    assert repository.inbox_page("patient", cast.patient.sub, limit=5)[0] == []


def test_the_twenty_first_message_in_an_hour_is_refused(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_send": {"attempts": 2, "window_seconds": 3600}}
    client = _signed_in(cast.patient)
    form = {"doctor": cast.doctor.sub, "subject": SUBJECT, "body": BODY}
    assert client.post("/patient/messages/new/", form).status_code == 302
    assert client.post("/patient/messages/new/", form).status_code == 302

    refused = client.post("/patient/messages/new/", form)

    assert refused.status_code == 429 and "Nothing was sent" in refused.content.decode()
    assert len(repository.inbox_page("patient", cast.patient.sub, limit=5)[0]) == 2


def test_the_thread_page_costs_three_round_trips_and_the_inbox_three(cast, dynamodb_calls):
    thread_id = start_thread(cast).thread.thread_id
    doctor = _signed_in(cast.doctor)
    doctor.get("/doctor/")
    dynamodb_calls.clear()

    assert doctor.get(f"/doctor/messages/{cast.patient.sub}/{thread_id}/").status_code == 200
    # the thread, care-team link and audit head; the messages; the read's event (and its mark)
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    dynamodb_calls.clear()

    assert doctor.get("/doctor/messages/").status_code == 200
    # the inbox, the care-team links of its patients, the audit event
    assert dynamodb_calls == {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    patient = _signed_in(cast.patient)
    patient.get(f"/patient/messages/{thread_id}/")
    dynamodb_calls.clear()

    assert patient.get("/patient/messages/").status_code == 200
    assert sum(dynamodb_calls.values()) <= 3
    dynamodb_calls.clear()
    assert patient.get(f"/patient/messages/{thread_id}/").status_code == 200
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    assert (
        re.search(r"\d{4}-\d{2}-\d{2}T", patient.get(f"/patient/messages/{thread_id}/").content.decode())
        is None
    )
