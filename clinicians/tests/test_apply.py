"""A clinician applies on the public page: what is stored, where the scan
goes, the confirmation, and one open application per email."""

import threading

import pytest
from django.conf import settings
from django.test import Client

from audit import repository as audit_log
from clinicians.applications import services
from clinicians.applications.domain import PENDING, REJECT, PendingApplicationExists, is_application_reference
from clinicians.applications.forms import ApplicationForm
from clinicians.tests.support import (
    PDF,
    VALID_NPI,
    application_form,
    apply,
    latest_for,
    stored_items,
    submitted,
)
from medisecure import aws as aws_clients
from medisecure.identity.actors import ANONYMOUS, AuditContext

pytestmark = pytest.mark.django_db


def _bucket_keys():
    listing = aws_clients.client("s3").list_objects_v2(Bucket=settings.DOCUMENTS_BUCKET)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def test_the_landing_page_links_to_the_application(client, aws):
    response = client.get("/")

    assert 'href="/clinicians/apply/">Apply as a clinician</a>' in response.content.decode()


def test_it_stores_the_application_and_confirms_it_with_the_reference(client, aws, outbox):
    response = apply(client)

    assert response.status_code == 302 and response["Location"] == "/clinicians/apply/submitted/"
    application = latest_for("avery.applicant@example.com")
    assert is_application_reference(application.application_id)
    assert (application.status, application.version) == (PENDING, 1)
    assert (application.given_name, application.family_name, application.specialty) == (
        "Avery",
        "Applicant",
        "Cardiology",
    )
    assert (application.npi, application.years_of_practice, application.licence_region) == (
        VALID_NPI,
        8,
        "New York",
    )
    assert application.statement.startswith("I have practised cardiology")
    confirmation = client.get("/clinicians/apply/submitted/")
    assert "We have emailed your application reference" in confirmation.content.decode()
    [mail] = outbox()
    assert mail.to == ["avery.applicant@example.com"]
    assert application.application_id in mail.subject and application.application_id in mail.body


def test_the_scan_goes_to_s3_under_a_random_key_private_and_encrypted(client, aws):
    apply(client, email="Private.Person@Example.com")

    application = latest_for("private.person@example.com")
    [key] = _bucket_keys()
    # The storage keeps every file under the documents prefix the task role is held to.
    assert key == f"{settings.DOCUMENTS_KEY_PREFIX}{application.scan.key}"
    assert application.scan.key.startswith("licence-scans/") and len(application.scan.key.split("/")[1]) == 32
    assert "private" not in key.lower() and "licence.pdf" not in key and "avery" not in key.lower()
    s3 = aws_clients.client("s3")
    head = s3.head_object(Bucket=settings.DOCUMENTS_BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "application/pdf"
    grants = s3.get_object_acl(Bucket=settings.DOCUMENTS_BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers
    assert s3.get_object(Bucket=settings.DOCUMENTS_BUCKET, Key=key)["Body"].read() == PDF
    assert (application.scan.content_type, application.scan.size) == ("application/pdf", len(PDF))


def test_the_submission_is_audited_without_the_applicants_details(client, aws):
    apply(client)

    application = latest_for("avery.applicant@example.com")
    events, _ = audit_log.list_by("action", "clinician_application.submit")
    [event] = events
    assert (event.outcome, event.resource_id, event.user_id) == (
        "allowed",
        application.application_id,
        "anonymous",
    )
    assert "avery" not in str(event.detail).lower()


def test_the_confirmation_page_without_a_submission_sends_you_to_the_form(client, aws):
    response = client.get("/clinicians/apply/submitted/")

    assert response.status_code == 302 and response["Location"] == "/clinicians/apply/"


def test_a_second_application_while_one_is_pending_is_not_kept_and_the_page_does_not_say_so(
    client, aws, outbox
):
    apply(client)
    first_page = _section(client.get("/clinicians/apply/submitted/"))
    stranger = Client()

    second = apply(stranger, email="AVERY.applicant@example.com ", given_name="Quillon")

    assert second.status_code == 302 and second["Location"] == "/clinicians/apply/submitted/"
    assert _section(stranger.get("/clinicians/apply/submitted/")) == first_page
    items = stored_items()
    assert len([item for item in items if "status" in item]) == 1
    assert len(_bucket_keys()) == 1  # the refused submission's scan was removed
    confirmation, notice = outbox()
    assert notice.to == ["avery.applicant@example.com"] and "still waiting for review" in notice.subject
    assert "Quillon" not in notice.body
    events, _ = audit_log.list_by("action", "clinician_application.submit")
    assert sorted(event.outcome for event in events) == ["allowed", "denied"]


def test_two_concurrent_submissions_for_one_email_make_one_application(aws):
    """Both pass the form and race to the conditional write: one wins."""
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        form = ApplicationForm(application_form(), {"licence_scan": application_form()["licence_scan"]})
        assert form.is_valid(), form.errors
        barrier.wait()
        try:
            services.application_submit(
                actor=ANONYMOUS,
                audit=AuditContext(ip="127.0.0.1"),
                details=form.details(),
                scan=form.cleaned_data["licence_scan"],
                scan_type=form.scan_type,
            )
            outcomes.append("stored")
        except PendingApplicationExists:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "stored"]
    assert len([item for item in stored_items() if "status" in item]) == 1
    assert len(_bucket_keys()) == 1


def test_after_a_rejection_the_same_email_can_apply_again(admin_client, aws):
    first = submitted()
    admin_client.post(
        f"/admin/clinicians/application/{first.application_id}/decide/",
        {
            "decision": REJECT,
            "version": first.version,
            "note": "The licence number does not match the state register.",
        },
    )

    response = apply(Client())

    assert response.status_code == 302
    assert latest_for("avery.applicant@example.com").application_id != first.application_id


def test_a_needs_information_application_still_blocks_a_second_one(admin_client, aws):
    first = submitted()
    admin_client.post(
        f"/admin/clinicians/application/{first.application_id}/decide/",
        {
            "decision": "request_information",
            "version": first.version,
            "note": "Please send the back of the licence.",
        },
    )

    response = apply(Client())

    assert response.status_code == 302
    assert len([item for item in stored_items() if "status" in item]) == 1


def _section(response) -> str:
    page = response.content.decode()
    return page[page.index('<section class="panel narrow">') : page.index("</section>")]
