"""Admins reject, ask for more information, or approve; one decision per
state, enforced by conditional writes; the same on several applications."""

import html
import threading

import pytest

from audit import repository as audit_log
from clinicians import repository as providers
from clinicians.applications import repository, services
from clinicians.applications.domain import (
    APPROVE,
    APPROVED,
    NEEDS_INFORMATION,
    PENDING,
    REJECT,
    REJECTED,
    REQUEST_INFORMATION,
    AlreadyDecided,
)
from clinicians.tests.support import decide, pool_users_with_email, submitted
from medisecure import aws as aws_clients
from medisecure.identity.actors import NO_REQUEST, Actor

pytestmark = pytest.mark.django_db

LIST = "/admin/clinicians/application/"
REASON = 'The licence number "MD-204518" is not on the New York register <as of today> & we cannot verify it.'


def _events(action):
    events, _ = audit_log.list_by("action", f"clinician_application.{action}")
    return events


def _messages(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(admin_client, outbox):
    application = submitted()

    response = decide(admin_client, application, REJECT, note="   ")

    assert response.status_code == 200
    assert "reason for the rejection" in response.context["form"].errors["note"][0]
    assert 'class="errorlist' in response.content.decode()
    assert repository.get(application.application_id) == application
    assert len(outbox()) == 1  # only the submission's confirmation
    assert _events("reject") == []


def test_asking_for_information_needs_a_message(admin_client):
    application = submitted()

    response = decide(admin_client, application, REQUEST_INFORMATION)

    assert "information you need" in response.context["form"].errors["note"][0]
    assert repository.get(application.application_id).status == PENDING


def test_a_rejection_emails_the_admins_reason_and_is_audited_with_it(admin_client, cast, outbox):
    application = submitted()

    response = decide(admin_client, application, REJECT, note=REASON)

    assert response.status_code == 302
    rejected = repository.get(application.application_id)
    assert (rejected.status, rejected.version, rejected.decision_note) == (REJECTED, 2, REASON)
    assert (rejected.decided_by, rejected.decided_by_email) == (cast.admin.sub, cast.admin.email)
    mail = outbox()[-1]
    assert mail.to == ["avery.applicant@example.com"] and application.application_id in mail.subject
    assert html.unescape(mail.body).count(REASON) == 1
    assert "<as of today>" not in mail.body  # the admin's text is escaped in the HTML part
    [event] = _events("reject")
    assert (event.user_id, event.role, event.resource_id) == (
        cast.admin.sub,
        "admin",
        application.application_id,
    )
    assert event.detail == {"from": PENDING, "reason": REASON}
    followed = admin_client.get(response["Location"])
    assert any("rejected" in message and "emailed" in message for message in _messages(followed))


def test_asking_for_information_emails_the_admins_message(admin_client, outbox):
    application = submitted()
    message = "Please send a scan of the back of your licence as well."

    decide(admin_client, application, REQUEST_INFORMATION, note=message)

    waiting = repository.get(application.application_id)
    assert (waiting.status, waiting.decision_note) == (NEEDS_INFORMATION, message)
    mail = outbox()[-1]
    assert "More information needed" in mail.subject and message in mail.body
    assert [event.detail["reason"] for event in _events(REQUEST_INFORMATION)] == [message]


def test_an_application_waiting_for_information_can_then_be_rejected(admin_client):
    application = submitted()
    decide(admin_client, application, REQUEST_INFORMATION, note="Send the back of the licence.")
    waiting = repository.get(application.application_id)

    decide(admin_client, waiting, REJECT, note="No reply in 30 days.")

    assert repository.get(application.application_id).status == REJECTED


@pytest.mark.parametrize("then", [APPROVE, REJECT, REQUEST_INFORMATION])
def test_a_decided_application_cannot_be_decided_again(admin_client, cast, then):
    application = submitted()
    decide(admin_client, application, REJECT, note="Licence not verifiable.")
    rejected = repository.get(application.application_id)

    response = decide(admin_client, rejected, then, note="Again.")

    assert response.status_code == 302
    assert repository.get(application.application_id) == rejected
    message = _messages(admin_client.get(response["Location"]))[-1]
    assert f"already decided by {cast.admin.email} at " in message and "(rejected)" in message
    assert pool_users_with_email(application.email) == []


def test_a_second_admin_with_the_page_open_sees_who_decided_first(
    admin_client, second_admin_client, cast, outbox
):
    application = submitted()
    assert (
        second_admin_client.get(f"{LIST}{application.application_id}/").status_code == 200
    )  # page open at version 1
    decide(admin_client, application, REJECT, note="Licence not verifiable.")

    response = decide(second_admin_client, application, APPROVE)

    [message] = _messages(second_admin_client.get(response["Location"]))
    decided = repository.get(application.application_id)
    when = decided.decided.astimezone().strftime("%Y")
    assert message.startswith(f"{application.application_id} was already decided by {cast.admin.email} at ")
    assert when in message and "Nothing was changed" in message
    assert decided.status == REJECTED
    assert pool_users_with_email(application.email) == []
    assert len(outbox()) == 2  # the confirmation and one rejection


def test_a_tampered_decision_changes_nothing(admin_client):
    application = submitted()

    response = decide(admin_client, application, "delete", note="x")

    assert response.status_code == 200 and "could not be recorded" in response.content.decode()
    assert repository.get(application.application_id) == application


def _admin(person) -> dict:
    """An admin deciding through the services directly, from several
    threads at once (the Django test client shares one database connection):
    the actor, and the email the decision records them by."""
    return {
        "actor": Actor(user_id=person.sub, role="admin"),
        "audit": NO_REQUEST,
        "actor_email": person.email,
    }


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            outcomes[index] = call().application.status
        except AlreadyDecided as refused:
            outcomes[index] = ("refused", refused.application.decided_by)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("rounds", range(3))
def test_two_admins_deciding_at_once_exactly_one_wins(cast, second_admin, rounds):
    application = submitted(f"race{rounds}@example.com")
    first, second = _admin(cast.admin), _admin(second_admin)

    outcomes = _race(
        [
            lambda: services.application_approve(
                **first, application_id=application.application_id, expected_version=1
            ),
            lambda: services.application_reject(
                **second, application_id=application.application_id, expected_version=1, reason="No."
            ),
        ]
    )

    winners = [outcome for outcome in outcomes if not isinstance(outcome, tuple)]
    assert len(winners) == 1, outcomes
    final = repository.get(application.application_id)
    assert final.status == winners[0]
    # The loser is told who won.
    [(_, winner_id)] = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    assert winner_id == final.decided_by
    assert len(pool_users_with_email(application.email)) == (1 if final.status == APPROVED else 0)
    decisions = [
        e
        for e in audit_log.list_by("userId", cast.admin.sub)[0]
        + audit_log.list_by("userId", second_admin.sub)[0]
        if e.action in ("clinician_application.approval_started", "clinician_application.reject")
    ]
    assert len(decisions) == 1


def test_two_admins_approving_at_once_make_one_account_and_one_doctor(cast, second_admin, outbox):
    application = submitted()
    first, second = _admin(cast.admin), _admin(second_admin)

    outcomes = _race(
        [
            lambda: services.application_approve(
                **admin, application_id=application.application_id, expected_version=1
            )
            for admin in (first, second)
        ]
    )

    assert sorted(str(outcome) for outcome in outcomes).count(APPROVED) == 1
    final = repository.get(application.application_id)
    assert final.status == APPROVED
    [user] = pool_users_with_email(application.email)
    assert providers.get(final.provider_id) is not None
    assert len([mail for mail in outbox() if "approved" in mail.subject]) == 1


# --- Several at once ---------------------------------------------------------------


def test_the_action_bar_asks_for_confirmation_before_deciding(admin_client):
    first, second = submitted("one@example.com"), submitted("two@example.com")

    response = admin_client.post(
        LIST, {"action": REJECT, "selected": [first.application_id, second.application_id]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "one@example.com" in page and "two@example.com" in page and "Yes, reject" in page
    assert response.context["form"]["items"].value() == f"{first.application_id}@1 {second.application_id}@1"
    assert repository.get(first.application_id).status == PENDING


def test_the_action_bar_without_a_selection_changes_nothing(admin_client):
    submitted()

    response = admin_client.post(LIST, {"action": APPROVE})

    assert response.status_code == 302
    assert "Items must be selected" in _messages(admin_client.get(response["Location"]))[0]


def test_rejecting_several_needs_the_reason_then_emails_each(admin_client, outbox):
    first, second = submitted("one@example.com"), submitted("two@example.com")
    items = f"{first.application_id}@1 {second.application_id}@1"

    refused = admin_client.post(f"{LIST}decide-selected/", {"decision": REJECT, "items": items, "note": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["note"]
    assert repository.get(first.application_id).status == PENDING

    done = admin_client.post(f"{LIST}decide-selected/", {"decision": REJECT, "items": items, "note": REASON})

    assert done.status_code == 302
    assert [repository.get(a.application_id).status for a in (first, second)] == [
        REJECTED,
        REJECTED,
    ]
    rejections = [mail for mail in outbox() if "Your application" in mail.subject]
    assert sorted(mail.to[0] for mail in rejections) == ["one@example.com", "two@example.com"]
    assert all(REASON in html.unescape(mail.body) for mail in rejections)
    assert len(_events("reject")) == 2


def test_approving_several_reports_the_ones_already_decided(
    admin_client, second_admin_client, cast, second_admin
):
    first, second = submitted("one@example.com"), submitted("two@example.com")
    items = f"{first.application_id}@1 {second.application_id}@1"
    decide(second_admin_client, second, REJECT, note="Not verifiable.")

    response = admin_client.post(f"{LIST}decide-selected/", {"decision": APPROVE, "items": items})

    messages = _messages(admin_client.get(response["Location"]))
    assert repository.get(first.application_id).status == APPROVED
    assert repository.get(second.application_id).status == REJECTED
    assert any(m.startswith(f"{first.application_id} approved") for m in messages)
    assert any(f"{second.application_id} was already decided by {second_admin.email}" in m for m in messages)


def test_asking_several_for_information(admin_client, outbox):
    first, second = submitted("one@example.com"), submitted("two@example.com")

    admin_client.post(
        f"{LIST}decide-selected/",
        {
            "decision": REQUEST_INFORMATION,
            "items": f"{first.application_id}@1 {second.application_id}@1",
            "note": "Please send proof of malpractice insurance.",
        },
    )

    assert {repository.get(a.application_id).status for a in (first, second)} == {NEEDS_INFORMATION}
    assert len([mail for mail in outbox() if "More information" in mail.subject]) == 2


def test_a_forged_selection_is_refused(admin_client):
    response = admin_client.post(f"{LIST}decide-selected/", {"decision": APPROVE, "items": "CA-../../x@1"})

    assert response.status_code == 302
    assert "Select applications" in _messages(admin_client.get(response["Location"]))[0]


def test_a_decision_landing_between_anothers_read_and_write_wins(cast, second_admin):
    """The check that decides is the write's condition, not the read before it:
    the second admin's rejection is slipped in after the first admin's
    approval has read the application and just before its write is sent."""
    application = submitted()
    first, second = _admin(cast.admin), _admin(second_admin)
    client = aws_clients.client("dynamodb")
    slipped_in = []

    def reject_first(request, **kwargs):
        target = request.headers.get("X-Amz-Target", b"")
        target = target if isinstance(target, bytes) else target.encode()
        if not slipped_in and target.endswith(b"TransactWriteItems") and b'"approving"' in request.body:
            slipped_in.append(True)
            services.application_reject(
                **second, application_id=application.application_id, expected_version=1, reason="No."
            )

    client.meta.events.register("before-send.dynamodb", reject_first)
    try:
        with pytest.raises(AlreadyDecided) as refused:
            services.application_approve(
                **first, application_id=application.application_id, expected_version=1
            )
    finally:
        client.meta.events.unregister("before-send.dynamodb", reject_first)

    assert slipped_in
    assert refused.value.application.decided_by == second_admin.sub
    final = repository.get(application.application_id)
    assert (final.status, final.version) == (REJECTED, 2)
    assert pool_users_with_email(application.email) == []
