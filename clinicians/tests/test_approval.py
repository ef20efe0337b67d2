"""Approval makes the applicant a doctor: the Cognito user in the doctor
group, the provider record, the invitation; safe to repeat after a failure
part-way, and an email that already has an account is linked, not copied."""

import html
import re
from dataclasses import dataclass

import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.test import Client

from audit import repository as audit_log
from clinicians import repository as providers
from clinicians.applications import repository
from clinicians.applications.domain import APPROVE, APPROVED, APPROVING
from clinicians.tests.support import decide, pool_users_with_email, submitted
from medisecure import aws, dynamo
from medisecure.identity.roles import Role
from medisecure.tables import PROVIDERS
from portal import seeding
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, local_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Chosen-by-the-doctor-7!"
TEMPORARY_PASSWORD = re.compile(r'id="temporary-password">([^<]+)<')


def _cognito():
    return aws.client("cognito-idp")


def _groups(email):
    response = _cognito().admin_list_groups_for_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email)
    return [group["GroupName"] for group in response["Groups"]]


def _temporary_passwords(outbox, email):
    return [
        html.unescape(match.group(1))
        for mail in outbox()
        if mail.to == [email] and "approved" in mail.subject
        for match in [TEMPORARY_PASSWORD.search(mail.body)]
        if match
    ]


def _challenge(email, password):
    """What Cognito answers to this password: a challenge name, or 'refused'."""
    try:
        # The admin API: the app client allows no password flow of its own.
        answer = _cognito().admin_initiate_auth(
            UserPoolId=settings.COGNITO_USER_POOL_ID,
            ClientId=settings.OIDC_RP_CLIENT_ID,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password, "SECRET_HASH": _secret_hash(email)},
        )
    except _cognito().exceptions.NotAuthorizedException:
        return "refused"
    return answer.get("ChallengeName") or "signed-in"


def _secret_hash(email):
    from medisecure.identity.cognito import secret_hash

    return secret_hash(email)


def _providers():
    response = dynamo.client().scan(TableName=dynamo.name(PROVIDERS))
    return [dynamo.from_item(item) for item in response["Items"]]


def _messages(client, response):
    return [str(message) for message in client.get(response["Location"]).context["messages"]]


def test_approval_creates_the_doctor_account_provider_and_invitation(admin_client, cast, outbox):
    application = submitted()

    response = decide(admin_client, application, APPROVE)

    approved = repository.get(application.application_id)
    assert (approved.status, approved.version) == (APPROVED, 3)  # pending → approving → approved
    assert (approved.decided_by, approved.decided_by_email) == (cast.admin.sub, cast.admin.email)
    [user] = pool_users_with_email(application.email)
    attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert (attributes["given_name"], attributes["family_name"], attributes["email_verified"]) == (
        "Avery",
        "Applicant",
        "true",
    )
    assert approved.provider_id == attributes["sub"]
    assert _groups(application.email) == ["doctor"]
    provider = providers.get(approved.provider_id)
    assert (provider.display_name, provider.specialty) == ("Dr Avery Applicant", "Cardiology")
    assert (provider.licence_number, provider.licence_region, provider.email) == (
        "MD-204518",
        "New York",
        application.email,
    )
    [password] = _temporary_passwords(outbox, application.email)
    assert _challenge(application.email, password) == "NEW_PASSWORD_REQUIRED"
    assert any("approved" in message for message in _messages(admin_client, response))
    started, finished = (
        audit_log.list_by("action", f"clinician_application.{a}")[0] for a in ("approval_started", "approve")
    )
    assert [(e.user_id, e.resource_id) for e in started + finished] == [
        (cast.admin.sub, application.application_id)
    ] * 2
    assert finished[0].detail == {
        "provider_id": approved.provider_id,
        "account": "created",
        "provider": "created",
    }


def test_the_new_doctor_signs_in_with_the_invitation_and_lands_on_the_doctor_pages(admin_client, outbox):
    application = submitted()
    decide(admin_client, application, APPROVE)
    [password] = _temporary_passwords(outbox, application.email)
    doctor = Client()
    hosted = HostedUi()

    page = hosted.session.get(authorize_redirect(doctor), allow_redirects=False)
    new_password_page = hosted.submit(page, {"email": application.email, "password": password})
    assert new_password_page.status_code == 200 and "Choose a new password" in new_password_page.text
    back = hosted.submit(new_password_page, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    callback = doctor.get(local_path(back.headers["Location"]))

    assert callback.status_code == 302 and doctor.get("/home/")["Location"] == "/doctor/"
    home = doctor.get("/doctor/")
    assert home.status_code == 200 and "<h1>My schedule</h1>" in home.content.decode()


@dataclass
class Fault:
    on: bool = False


@pytest.fixture
def provider_write_fault():
    """While `on`, the approval's final transaction (the one that writes the
    provider) cannot reach DynamoDB: injected at botocore's send boundary."""
    fault = Fault()
    client = aws.client("dynamodb")
    table = dynamo.name(PROVIDERS).encode()

    def refuse(request, **kwargs):
        target = request.headers.get("X-Amz-Target", b"")
        target = target if isinstance(target, bytes) else target.encode()
        if fault.on and target.endswith(b"TransactWriteItems") and b'"%s"' % table in request.body:
            raise EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register("before-send.dynamodb", refuse)
    yield fault
    client.meta.events.unregister("before-send.dynamodb", refuse)


def _providers_for(email):
    return [provider for provider in _providers() if provider["email"] == email]


def test_a_retry_after_the_provider_write_failed_finishes_without_duplicates(
    admin_client, outbox, provider_write_fault
):
    application = submitted()
    provider_write_fault.on = True

    failed = decide(admin_client, application, APPROVE)

    assert any("did not finish" in m and "approve it again" in m for m in _messages(admin_client, failed))
    halfway = repository.get(application.application_id)
    assert halfway.status == APPROVING and _providers_for(application.email) == []
    [user] = pool_users_with_email(application.email)  # Cognito's part was done
    detail = admin_client.get(f"/admin/clinicians/application/{application.application_id}/").content.decode()
    assert "did not finish" in detail and "Finish the approval" in detail

    provider_write_fault.on = False  # AWS is back; the admin approves again
    decide(admin_client, halfway, APPROVE)

    approved = repository.get(application.application_id)
    assert approved.status == APPROVED
    [again] = pool_users_with_email(application.email)
    assert again["Username"] == user["Username"]
    assert [provider["providerId"] for provider in _providers_for(application.email)] == [
        approved.provider_id
    ]
    assert _groups(application.email) == ["doctor"]
    first, latest = _temporary_passwords(outbox, application.email)
    assert _challenge(application.email, first) == "refused"
    assert _challenge(application.email, latest) == "NEW_PASSWORD_REQUIRED"
    [finished] = audit_log.list_by("action", "clinician_application.approve")[0]
    assert finished.detail["account"] == "linked" and finished.detail["provider"] == "created"


def test_an_email_that_already_has_an_account_is_linked_not_duplicated(admin_client, outbox, aws):
    existing = seeding.user_seed(
        person=seeding.SeedPerson("avery.applicant@example.com", Role.DOCTOR, "Avery", "Applicant"),
        password=TEST_PASSWORD,
    )
    _cognito().admin_remove_user_from_group(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=existing.email, GroupName="doctor"
    )
    dynamo.client().delete_item(
        TableName=dynamo.name(PROVIDERS), Key=dynamo.to_item({"providerId": existing.sub})
    )
    application = submitted(existing.email)

    decide(admin_client, application, APPROVE)

    approved = repository.get(application.application_id)
    assert approved.status == APPROVED and approved.provider_id == existing.sub
    [user] = pool_users_with_email(existing.email)
    assert user["UserStatus"] == "CONFIRMED"  # their own password still works
    assert _challenge(existing.email, TEST_PASSWORD) == "signed-in"
    assert _groups(existing.email) == ["doctor"]
    assert [p["providerId"] for p in _providers_for(existing.email)] == [existing.sub]
    [invitation] = [mail for mail in outbox() if "approved" in mail.subject]
    assert "temporary-password" not in invitation.body and "usual password" in invitation.body


def test_a_doctor_who_already_has_a_record_keeps_it(admin_client, cast):
    application = submitted(cast.other_doctor.email, specialty="Cardiology")

    decide(admin_client, application, APPROVE)

    approved = repository.get(application.application_id)
    assert approved.status == APPROVED and approved.provider_id == cast.other_doctor.sub
    assert providers.get(cast.other_doctor.sub).specialty == "Neurology"  # linked as it stands
    assert len(pool_users_with_email(cast.other_doctor.email)) == 1


def test_an_email_that_signs_in_as_a_patient_is_not_made_a_doctor(admin_client, cast):
    application = submitted(cast.patient.email)

    response = decide(admin_client, application, APPROVE)

    [message] = _messages(admin_client, response)
    assert "already signs in as a patient" in message
    assert repository.get(application.application_id) == application
    assert _groups(cast.patient.email) == ["patient"]
    assert audit_log.list_by("action", "clinician_application.approval_started")[0] == []


@pytest.fixture
def ses_unreachable():
    """SES cannot be reached until the returned function is called."""
    client = aws.client("sesv2")
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"

    def refuse(request, **kwargs):
        raise EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register(event, refuse)
    yield lambda: client.meta.events.unregister(event, refuse)
    client.meta.events.unregister(event, refuse)


def test_an_approval_whose_invitation_could_not_be_sent_is_finished_by_approving_again(
    admin_client, outbox, ses_unreachable
):
    application = submitted()  # (its confirmation email is not sent either)

    decide(admin_client, application, APPROVE)

    halfway = repository.get(application.application_id)
    assert halfway.status == APPROVING and _providers_for(application.email) == []
    ses_unreachable()  # SES is back
    decide(admin_client, halfway, APPROVE)
    assert repository.get(application.application_id).status == APPROVED
    [password] = _temporary_passwords(outbox, application.email)
    assert _challenge(application.email, password) == "NEW_PASSWORD_REQUIRED"


def test_a_failed_rejection_email_is_reported_to_the_admin_not_undone(admin_client, ses_unreachable):
    application = submitted()

    response = decide(admin_client, application, "reject", note="Licence not verifiable.")

    assert repository.get(application.application_id).status == "rejected"
    [message] = _messages(admin_client, response)
    assert "could not be sent" in message and application.email in message
