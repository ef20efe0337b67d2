"""An admin changes a person's access from the Django admin user page:
disable, enable, change role, reset two-step sign-in, send the invitation
again. Each needs a reason, is audited with who and why, bites at once, and
is finished by doing it again when Cognito failed part-way. The services
check the admin role themselves, whatever the page's guard does."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.people import services
from accounts.people.domain import ActionUnfinished, PeopleAdminRefused
from audit import repository as audit_log
from medisecure import aws
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.models import PortalSession, User
from tests import faults
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, mail_to, sign_in, totp_code

pytestmark = pytest.mark.django_db
NO_REQUEST = AuditContext()


def _pool_user(settings, email):
    return aws.client("cognito-idp").admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email)


def _signed_in(person, **kwargs) -> Client:
    browser = Client()
    assert sign_in(browser, person.email, **kwargs).status_code == 302
    return browser


def _change(admin_browser, person, **form):
    pk = User.objects.get(username=person.sub).pk
    return admin_browser.post(f"/admin/medisecure/user/{pk}/access/", form)


def _events(person, action):
    events, _ = audit_log.list_by("action", action)
    return [event for event in events if event.resource_id == person.sub]


def test_disable_a_doctor_while_signed_in_then_enable_them_again(cast, settings):
    doctor_browser, hosted = Client(), HostedUi()
    sign_in(doctor_browser, cast.doctor.email, hosted=hosted)
    assert doctor_browser.get("/doctor/").status_code == 200
    admin_browser = _signed_in(cast.admin)
    pk = User.objects.get(username=cast.doctor.sub).pk
    assert admin_browser.get(f"/admin/medisecure/user/{pk}/change/").status_code == 200
    assert admin_browser.get(f"/admin/medisecure/user/{pk}/access/").status_code == 200

    done = _change(admin_browser, cast.doctor, action="disable", reason="Left the clinic")

    assert done.status_code == 302
    refused = doctor_browser.get("/doctor/")
    assert refused.status_code == 302 and refused["Location"].startswith("/oidc/authenticate/")
    assert not PortalSession.objects.filter(user_pk=pk).exists()
    assert _pool_user(settings, cast.doctor.email)["Enabled"] is False
    with pytest.raises(AssertionError):  # the hosted UI refuses them, even resuming its own session
        sign_in(doctor_browser, cast.doctor.email, hosted=hosted)
    (event,) = _events(cast.doctor, "person.disable")
    assert (event.outcome, event.user_id, event.detail["reason"]) == (
        "allowed",
        cast.admin.sub,
        "Left the clinic",
    )

    _change(admin_browser, cast.doctor, action="enable", reason="Came back")

    assert sign_in(doctor_browser, cast.doctor.email)["Location"] == "/home/"
    assert doctor_browser.get("/doctor/").status_code == 200
    assert User.objects.get(pk=pk).is_active
    assert [e.detail["reason"] for e in _events(cast.doctor, "person.enable")] == ["Came back"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_without_a_reason_changes_nothing(cast, settings, reason):
    doctor_browser = _signed_in(cast.doctor)
    admin_browser = _signed_in(cast.admin)

    page = _change(admin_browser, cast.doctor, action="disable", reason=reason)

    assert page.status_code == 200 and "Say why" in page.content.decode()
    assert doctor_browser.get("/doctor/").status_code == 200
    assert _pool_user(settings, cast.doctor.email)["Enabled"] is True
    assert _events(cast.doctor, "person.disable") == []


def test_an_admin_cannot_disable_their_own_account(cast, settings):
    admin_browser = _signed_in(cast.admin)

    page = _change(admin_browser, cast.admin, action="disable", reason="Oops")

    assert page.status_code == 200 and "Another admin" in page.content.decode()
    assert _pool_user(settings, cast.admin.email)["Enabled"] is True


def test_a_role_change_leaves_exactly_one_role_group_and_ends_their_sessions(cast, settings):
    doctor_browser = _signed_in(cast.doctor)
    admin_browser = _signed_in(cast.admin)

    _change(admin_browser, cast.doctor, action="change_role", role="marketer", reason="Moved to outreach")

    assert cognito.groups_of(cast.doctor.email) == {"marketer"}
    assert doctor_browser.get("/doctor/").status_code == 302  # signed out
    assert sign_in(doctor_browser, cast.doctor.email).status_code == 302
    assert doctor_browser.get("/doctor/").status_code == 403
    assert doctor_browser.get("/home/")["Location"] == "/marketing/"
    (event,) = _events(cast.doctor, "person.role_change")
    assert event.detail == {"reason": "Moved to outreach", "from": "doctor", "to": "marketer"}


def test_a_role_change_needs_the_role(cast):
    _signed_in(cast.doctor)
    admin_browser = _signed_in(cast.admin)

    page = _change(admin_browser, cast.doctor, action="change_role", reason="Moved")

    assert page.status_code == 200 and "Choose the role" in page.content.decode()
    assert cognito.groups_of(cast.doctor.email) == {"doctor"}


def test_reset_mfa_makes_a_doctor_enrol_again(cast, settings):
    settings.STAFF_MFA_REQUIRED = True
    doctor_browser = _signed_in(cast.doctor)
    setup = doctor_browser.post("/account/mfa/", {"start": "1"}, follow=True)
    secret = setup.context["pending"]["secret"]
    doctor_browser.post("/account/mfa/", {"code": totp_code(secret)})
    settings.STAFF_MFA_REQUIRED = False  # the admin's own session is not held for enrolment here
    admin_browser = _signed_in(cast.admin)

    _change(admin_browser, cast.doctor, action="reset_mfa", reason="Lost their phone")

    settings.STAFF_MFA_REQUIRED = True
    assert "SOFTWARE_TOKEN_MFA" not in _pool_user(settings, cast.doctor.email).get("UserMFASettingList", [])
    again = Client()
    assert sign_in(again, cast.doctor.email)["Location"] == "/home/"  # the password alone, then held
    assert again.get("/doctor/")["Location"] == "/account/mfa/"
    assert [e.detail["reason"] for e in _events(cast.doctor, "person.mfa_reset")] == ["Lost their phone"]


def test_a_forced_password_reset_signs_them_out_and_only_a_new_password_lets_them_in(cast, local_stack):
    patient_browser = _signed_in(cast.patient)
    admin_browser = _signed_in(cast.admin)

    done = _change(
        admin_browser, cast.patient, action="reset_password", reason="Password seen on a sticky note"
    )

    assert done.status_code == 302
    assert patient_browser.get("/patient/").status_code == 302
    refused = HostedUi()
    page = refused.session.get(authorize_redirect(Client()))
    assert (
        "needs a password reset"
        in refused.submit(page, {"email": cast.patient.email, "password": TEST_PASSWORD}).text
    )
    forgot = Client()
    forgot.post("/account/forgot-password/", {"email": cast.patient.email})
    code = re.search(r"code is (\d{6})", mail_to(local_stack, cast.patient.email)[-1]["body"]).group(1)
    new = "Another-Horse-7-Staple!"
    forgot.post("/account/forgot-password/code/", {"code": code, "password": new, "password_again": new})
    assert sign_in(Client(), cast.patient.email, new).status_code == 302
    assert [e.detail["reason"] for e in _events(cast.patient, "person.password_reset")] == [
        "Password seen on a sticky note"
    ]


def test_an_invitation_sent_again_carries_a_new_temporary_password(cast, local_stack):
    invited = cognito.create_pool_user(
        email="invited.doctor@medisecure.test",
        given_name="Ivy",
        family_name="Invited",
        suppress_message=True,
        temporary_password="Temporary-Pass-1!",
    )
    admin_browser = _signed_in(cast.admin)
    assert admin_browser.get("/admin/medisecure/user/invite-again/").status_code == 200

    done = admin_browser.post(
        "/admin/medisecure/user/invite-again/", {"email": invited.email, "reason": "Invitation expired"}
    )

    assert done.status_code == 302
    (message,) = mail_to(local_stack, invited.email)
    password = re.search(r'id="temporary-password">([^<]+)<', message["body"]).group(1)
    assert password != "Temporary-Pass-1!"
    hosted = HostedUi()
    page = hosted.session.get(authorize_redirect(Client()), allow_redirects=False)
    answer = hosted.submit(page, {"email": invited.email, "password": password})
    assert answer.status_code == 200 and "new_password" in answer.text  # choose your own now
    events, _ = audit_log.list_by("action", "person.invitation_resend")
    assert [(e.resource_id, e.detail["reason"]) for e in events] == [(invited.sub, "Invitation expired")]


def test_no_invitation_for_someone_who_chose_their_password(cast, local_stack):
    admin_browser = _signed_in(cast.admin)

    page = admin_browser.post(
        "/admin/medisecure/user/invite-again/", {"email": cast.patient.email, "reason": "Asked"}
    )

    assert page.status_code == 200 and "already chosen their password" in page.content.decode()
    assert mail_to(local_stack, cast.patient.email) == []


def test_a_disable_cut_short_by_cognito_is_finished_by_doing_it_again(cast, settings):
    doctor_browser = _signed_in(cast.doctor)
    _signed_in(cast.admin)
    admin = Actor(user_id=cast.admin.sub, role="admin")

    def global_sign_out_fails(request, operation):
        if operation == "AdminUserGlobalSignOut":
            return faults.json_error(request, status=500, code="InternalServerError", message="down")
        return None

    with faults.at_send("cognito-idp", global_sign_out_fails), pytest.raises(ActionUnfinished):
        services.person_disable(actor=admin, audit=NO_REQUEST, person_id=cast.doctor.sub, reason="Left")

    # Cut short, it already errs on the side of less access.
    assert doctor_browser.get("/doctor/").status_code == 302
    assert User.objects.get(username=cast.doctor.sub).is_active is False
    assert [e.outcome for e in _events(cast.doctor, "person.disable")] == ["failed"]

    services.person_disable(actor=admin, audit=NO_REQUEST, person_id=cast.doctor.sub, reason="Left")

    assert _pool_user(settings, cast.doctor.email)["Enabled"] is False
    assert sorted(e.outcome for e in _events(cast.doctor, "person.disable")) == ["allowed", "failed"]


def _call(service, person, actor):
    values = {"actor": actor, "audit": NO_REQUEST, "reason": "No business doing this"}
    if service is services.person_invitation_resend:
        return service(email=person.email, **values)
    if service is services.person_role_change:
        return service(person_id=person.sub, role=Role.ADMIN, **values)
    return service(person_id=person.sub, **values)


ADMIN_ONLY = [
    services.person_disable,
    services.person_enable,
    services.person_role_change,
    services.person_mfa_reset,
    services.person_password_reset,
    services.person_invitation_resend,
]


@pytest.mark.parametrize("service", ADMIN_ONLY, ids=lambda service: service.__name__)
@pytest.mark.parametrize("role", ["doctor", "patient", "marketer"])
def test_each_admin_only_service_refuses_anyone_but_an_admin(cast, settings, service, role):
    User.objects.create(  # the target has a portal account
        username=cast.other_doctor.sub,
        email=cast.other_doctor.email,
        role="doctor",
    )
    actor = Actor(user_id=getattr(cast, role).sub, role=role)

    with pytest.raises(PeopleAdminRefused) as refused:
        _call(service, cast.other_doctor, actor)

    assert refused.value.audited
    assert _pool_user(settings, cast.other_doctor.email)["Enabled"] is True
    assert cognito.groups_of(cast.other_doctor.email) == {"doctor"}
    target = User.objects.get(username=cast.other_doctor.sub)
    assert (target.is_active, target.role) == (True, "doctor")
    events, _ = audit_log.list_by("userId", actor.user_id)
    assert [(e.outcome, e.detail.get("reason")) for e in events] == [("denied", "not_admin")]
