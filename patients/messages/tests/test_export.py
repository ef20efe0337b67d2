"""A patient's secure messages are in their record's download: each as a
FHIR `Communication` of a bundle the FHIR models validate, in its thread's
order; and in the PDF, with the subjects, who wrote and when in the
clinic's time."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from medisecure.clinic_time import clinic_datetime
from medisecure.identity.actors import NO_REQUEST
from patients.messages import services
from patients.messages.tests.support import SUBJECT, actor, start_thread
from tests.pdf_text import pdf_text
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(cast):
    sent = start_thread(cast)
    reply = services.message_reply(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        thread_id=sent.thread.thread_id,
        patient_id=cast.patient.sub,
        body="Please come in tomorrow at nine.",
    )
    return sent, reply


def _download(cast, file_format: str):
    client = Client()
    sign_in(client, cast.patient.email)
    response = client.get(f"/patient/records/download/{file_format}/")
    assert response.status_code == 200
    return response


def test_the_fhir_bundle_holds_each_message_as_a_communication_in_the_threads_order(cast, conversation):
    data = _download(cast, "fhir").json()
    Bundle.model_validate(data)
    resources = [entry["resource"] for entry in data["entry"]]
    patient = next(resource for resource in resources if resource["resourceType"] == "Patient")
    sent = [resource for resource in resources if resource["resourceType"] == "Communication"]

    assert [resource["payload"][0]["contentString"] for resource in sent] == [
        "My cough is back since Monday.\nShould I come in?",
        "Please come in tomorrow at nine.",
    ]
    assert {resource["topic"]["text"] for resource in sent} == {SUBJECT}
    assert sent[0]["sender"] == {"reference": f"urn:uuid:{patient['id']}"}
    assert sent[1]["sender"]["display"].startswith("Dr ")
    assert sent[1]["inResponseTo"] == [{"reference": f"urn:uuid:{sent[0]['id']}"}]
    assert all(resource["status"] == "completed" for resource in sent)
    full_urls = {entry["fullUrl"] for entry in data["entry"]}
    assert f"urn:uuid:{sent[0]['id']}" in full_urls


def test_the_pdf_lists_the_messages_with_their_subject_writer_and_clinic_time(cast, conversation):
    sent, reply = conversation

    lines = pdf_text(_download(cast, "pdf").content).splitlines()

    assert "Messages" in lines and SUBJECT in lines
    assert f"{clinic_datetime(sent.message.sent_at)} - You" in lines
    assert f"{clinic_datetime(reply.message.sent_at)} - {reply.message.author_name}" in lines
    assert "UTC" not in clinic_datetime(reply.message.sent_at)
