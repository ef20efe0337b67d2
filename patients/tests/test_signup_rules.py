"""Patient self-signup over the local AWS stack: every rule of the issue,
through the portal's own pages, with the clock moved by the test."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
from boto3.dynamodb.conditions import Key
from django.conf import settings

from audit import repository as audit_log
from medisecure import aws as aws_clients
from medisecure import dynamo
from medisecure.identity import cognito
from medisecure.tables import PATIENT_PROVISIONAL, TABLES
from patients import repository
from patients.signup import otp
from patients.signup.domain import PENDING, PROVEN, VERIFIED
from patients.tests.conftest import NEW_PASSWORD, codes_sent_to, signup_form, wrong_code
from tests import faults
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

EMAIL = "avery.newcomer@example.org"


def _rows(email: str = EMAIL) -> list[dict]:
    """The raw patient-provisional items for an address (ledger included)."""
    response = dynamo.client().query(
        TableName=dynamo.name(PATIENT_PROVISIONAL), **dynamo.query_kwargs(Key("email").eq(email))
    )
    return [dynamo.from_item(item) for item in response["Items"]]


def _signups(email: str = EMAIL) -> list[dict]:
    return [row for row in _rows(email) if "signupId" in row]


def _text(response) -> str:
    return response.content.decode()


def _events(action_prefix: str = "") -> list:
    events, _ = audit_log.list_by("orgId", settings.CLINIC_ID, limit=200)
    return [event for event in reversed(events) if event.action.startswith(action_prefix)]


# --- The whole way through ------------------------------------------------------


def test_a_person_signs_up_verifies_and_can_sign_in_as_a_patient(signup, clock, client):
    assert signup.start().url == "/signup/verify/"
    page = client.get("/signup/verify/")
    assert page.status_code == 200 and EMAIL in _text(page)

    done = signup.verify(signup.latest_code())

    assert done.status_code == 302 and done.url == "/signup/complete/"
    user = cognito.get_pool_user(EMAIL)
    assert user.status == "CONFIRMED" and user.attributes["email_verified"] == "true"
    assert cognito.groups_of(EMAIL) == {"patient"}
    patient = repository.get(user.sub)
    assert (patient.given_name, patient.family_name, patient.date_of_birth, patient.phone) == (
        "Avery",
        "Newcomer",
        "1990-05-17",
        "+12125550123",
    )
    (row,) = _signups()
    assert row["status"] == VERIFIED and row["patientId"] == user.sub
    assert "codeHash" not in row and "passwordSealed" not in row
    complete = client.get("/signup/complete/")
    assert "Sign in" in _text(complete) and "/oidc/authenticate/?next=/patient/" in _text(complete)

    landed = sign_in(client, EMAIL, NEW_PASSWORD, next_url="/patient/")

    assert landed.url == "/patient/"
    assert "Hello, Avery" in _text(client.get("/patient/"))


def test_every_step_is_audited_by_sign_up_id_never_by_email_or_name(signup, clock):
    signup.start()
    signup.verify(wrong_code(signup.latest_code()))
    signup.verify(signup.latest_code())

    events = _events("signup.")
    assert [event.action for event in events] == [
        "signup.requested",
        "signup.code.sent",
        "signup.code.failed",
        "signup.code.verified",
        "signup.link.sent",
        "signup.account.created",
        "signup.account.finished",
    ]
    signup_id = _signups()[0]["signupId"]
    created = events.pop(-2)
    assert {event.resource_id for event in events} == {signup_id}
    assert created.patient_id == cognito.get_pool_user(EMAIL).sub
    recorded = json.dumps([event.__dict__ for event in events], default=str)
    for personal in (EMAIL, "Avery", "Newcomer", "1990-05-17", "2125550123"):
        assert personal not in recorded


# --- What is stored ---------------------------------------------------------------


def test_it_stores_the_code_only_as_an_hmac_under_the_signup_secret(signup, clock, settings):
    signup.start()
    code = signup.latest_code()

    (row,) = _signups()
    assert code not in json.dumps(row, default=str)
    key = hmac.new(settings.SIGNUP_SECRET_KEY.encode(), b"medisecure/signup/code", hashlib.sha256).digest()
    expected = hmac.new(key, f"{row['signupId']}:{code}".encode(), hashlib.sha256).hexdigest()
    assert row["codeHash"] == expected
    settings.SIGNUP_SECRET_KEY = "another-secret-" * 5
    assert otp.code_digest(row["signupId"], code) != row["codeHash"]


def test_no_item_the_sign_up_writes_holds_the_password_or_anything_that_opens_to_it(signup, clock):
    signup.start()
    signup.verify_code(signup.latest_code())
    done = signup.choose_password(NEW_PASSWORD)
    assert done.url == "/signup/complete/"

    # Every item of every table, after the whole flow (a test may scan).
    items = []
    for table in TABLES:
        pages = dynamo.client().get_paginator("scan").paginate(TableName=dynamo.name(table))
        items += [dynamo.from_item(item) for page in pages for item in page["Items"]]
    assert items
    stored = json.dumps(items, default=str)
    assert NEW_PASSWORD not in stored and NEW_PASSWORD.encode().hex() not in stored
    for item in items:
        for name, value in _flattened(item):
            assert "password" not in name.lower() and "seal" not in name.lower(), name
            # Nothing shaped like ciphertext: HMACs are hex, ids are hex or
            # uuids; base64 blobs (what a sealed value looks like) are refused.
            if isinstance(value, str) and len(value) >= 24:
                assert not _looks_like_ciphertext(value), (name, value)
    assert not hasattr(otp, "open_password") and not hasattr(otp, "seal_password")


def _flattened(values, prefix=""):
    if isinstance(values, dict):
        for name, value in values.items():
            yield from _flattened(value, f"{prefix}{name}.")
    elif isinstance(values, list):
        for value in values:
            yield from _flattened(value, prefix)
    else:
        yield prefix.rstrip("."), values


def _looks_like_ciphertext(value: str) -> bool:
    if re.fullmatch(r"[0-9a-f-]+", value) or " " in value or "#" in value or ":" in value:
        return False
    return bool(re.fullmatch(r"[A-Za-z0-9+/_=-]+", value)) and re.search(r"[A-Z]", value) is not None


def test_the_password_page_opens_only_once_the_code_is_proven(signup, clock):
    signup.start()
    assert signup.client.get("/signup/password/").url == "/signup/verify/"
    refused = signup.choose_password(NEW_PASSWORD)
    assert refused.status_code == 302 and refused.url == "/signup/verify/"
    assert cognito.get_pool_user(EMAIL) is None


def test_an_interrupted_sign_up_is_finished_from_the_link_in_the_second_email(
    signup, clock, client_factory, local_stack
):
    signup.start()
    signup.verify_code(signup.latest_code())
    # The browser is closed here: no password chosen, nothing to sign into.
    assert cognito.get_pool_user(EMAIL) is None
    [link_mail] = [m for m in mail_to(local_stack, EMAIL) if "Finish creating" in m["subject"]]
    link = re.search(r'href="(http://[^"]+/signup/finish/[^"]+/)"', link_mail["body"]).group(1)
    other = client_factory()

    opened = other.get(link.split("testserver", 1)[-1])
    assert opened.status_code == 302 and opened.url == "/signup/password/"
    done = other.post("/signup/password/", {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

    assert done.url == "/signup/complete/"
    assert sign_in(other, EMAIL, NEW_PASSWORD, next_url="/patient/").url == "/patient/"
    # The link is of no use once the account exists.
    assert client_factory().get(link.split("testserver", 1)[-1]).url == "/signup/"


def test_a_made_up_finish_link_opens_nothing(client, clock, aws):
    assert client.get("/signup/finish/not-a-real-secret/").url == "/signup/"


def test_a_pending_signup_carries_a_ttl_and_sits_in_the_status_index(signup, clock):
    signup.start()

    (row,) = _signups()
    assert row["status"] == PENDING
    assert row["expiresAt"] == int(clock.now().timestamp()) + settings.SIGNUP_PENDING_HOURS * 3600
    assert row["codeExpiresAt"] == int(clock.now().timestamp()) + 600


# --- Expiry and attempts ------------------------------------------------------------


def test_a_code_still_works_just_before_ten_minutes(signup, clock):
    signup.start()
    clock.advance(minutes=9, seconds=59)

    assert signup.verify(signup.latest_code()).url == "/signup/complete/"


def test_a_code_expires_after_ten_minutes_and_makes_no_account(signup, clock):
    signup.start()
    clock.advance(minutes=10)

    refused = signup.verify(signup.latest_code())

    assert refused.status_code == 200 and "That code has expired" in _text(refused)
    assert cognito.get_pool_user(EMAIL) is None


def test_the_code_expiry_follows_the_setting(signup, clock, settings):
    settings.SIGNUP_CODE_TTL_MINUTES = 2
    signup.start()
    clock.advance(minutes=2)

    assert "That code has expired" in _text(signup.verify(signup.latest_code()))


def test_five_wrong_codes_kill_the_code_even_for_the_right_one(signup, clock):
    signup.start()
    code = signup.latest_code()

    messages = [_text(signup.verify(wrong_code(code))) for _ in range(5)]

    assert "you have 4 more tries" in messages[0] and "you have 1 more try" in messages[3]
    assert "no longer works" in messages[4]
    refused = signup.verify(code)
    assert "no longer works" in _text(refused)
    assert cognito.get_pool_user(EMAIL) is None
    assert _signups()[0]["attempts"] == 5


def test_a_new_code_after_the_old_one_died_works(signup, clock):
    signup.start()
    old = signup.latest_code()
    for _ in range(5):
        signup.verify(wrong_code(old))
    clock.advance(seconds=60)

    signup.resend()
    new = signup.latest_code()

    assert signup.verify(new).url == "/signup/complete/"


# --- Resending ----------------------------------------------------------------------


def test_a_resend_within_sixty_seconds_is_refused_and_says_when_to_retry(signup, clock, client, local_stack):
    signup.start()
    clock.advance(seconds=30)

    page = client.get(signup.resend().url)

    assert "You can ask for a new code in 30 seconds" in _text(page)
    assert len(mail_to(local_stack, EMAIL)) == 1


def test_a_resend_after_sixty_seconds_sends_a_new_code_and_the_old_one_stops_working(signup, clock, client):
    signup.start()
    old = signup.latest_code()
    clock.advance(seconds=60)

    page = client.get(signup.resend().url)
    new = signup.latest_code()

    assert f"We sent a new code to {EMAIL}" in _text(page)
    assert new != old  # a one-in-a-million coincidence would fail here
    assert "That code is not right" in _text(signup.verify(old))
    assert signup.verify(new).url == "/signup/complete/"


def test_at_most_five_codes_an_hour_go_to_one_address(signup, clock, client, local_stack):
    signup.start()
    for _ in range(4):
        clock.advance(seconds=60)
        signup.resend()
    assert len(mail_to(local_stack, EMAIL)) == 5
    clock.advance(seconds=60)

    page = client.get(signup.resend().url)

    assert len(mail_to(local_stack, EMAIL)) == 5
    # The first send becomes an hour old 55 minutes from now.
    assert "in 55 minutes" in _text(page)
    clock.advance(minutes=55)
    signup.resend()
    assert len(mail_to(local_stack, EMAIL)) == 6


def test_starting_again_counts_toward_the_same_limits(signup, clock, local_stack):
    signup.start()
    clock.advance(seconds=10)

    again = signup.start()

    assert again.status_code == 200
    assert "You can ask for a new code in 50 seconds" in _text(again)
    assert len(mail_to(local_stack, EMAIL)) == 1 and len(_signups()) == 1


def test_the_send_limits_follow_the_settings(signup, clock, client, settings):
    settings.SIGNUP_RESEND_INTERVAL_SECONDS = 5
    signup.start()
    clock.advance(seconds=5)

    assert "We sent a new code" in _text(client.get(signup.resend().url))


# --- Password policy and bad input -------------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Short-1a!", "Use at least 12 characters."),
        ("no-upper-case-1!", "Use an upper-case letter."),
        ("NO-LOWER-CASE-1!", "Use a lower-case letter."),
        ("No-Numbers-Here!", "Use a number."),
        ("NoSymbolsHere123", "Use a symbol such as ! or -."),
    ],
)
def test_it_names_the_password_rule_that_failed_and_makes_nothing(signup, clock, password, rule):
    signup.start()
    signup.verify_code(signup.latest_code())

    page = signup.choose_password(password)

    assert page.status_code == 200
    assert rule in _text(page)
    assert cognito.get_pool_user(EMAIL) is None
    assert _signups()[0]["status"] == PROVEN


def test_it_lists_the_password_policy_on_the_password_page(signup, clock):
    signup.start()
    signup.verify_code(signup.latest_code())
    page = _text(signup.client.get("/signup/password/"))

    for rule in (
        "At least 12 characters",
        "An upper-case letter",
        "A lower-case letter",
        "A number",
        "A symbol",
    ):
        assert rule in page


def test_it_refuses_two_different_passwords(signup, clock):
    signup.start()
    signup.verify_code(signup.latest_code())

    page = signup.choose_password(NEW_PASSWORD, again=NEW_PASSWORD + "x")

    assert "The two passwords are not the same" in _text(page)
    assert cognito.get_pool_user(EMAIL) is None


def test_the_start_page_asks_for_no_password(client, aws):
    page = _text(client.get("/signup/"))
    assert 'type="password"' not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address like name@example.com."),
        ("email", "someone@", "Enter an email address like name@example.com."),
        ("email", "a" * 120 + "@example.org", "Use an email address of at most 128 characters."),
        ("date_of_birth", "2999-01-01", "A date of birth cannot be in the future."),
        ("date_of_birth", "1850-06-01", "that date of birth is too long ago"),
        ("date_of_birth", "17/05/1990", "Enter the date as year-month-day"),
        ("phone", "12345", "That is not a phone number we can call"),
        ("phone", "call me", "Enter a phone number"),
        ("phone", "020 7946 0958", "That is not a phone number we can call"),
        ("given_name", "A" * 61, "at most 60 characters"),
        ("family_name", "Bell\x07", "Remove the hidden or control characters"),
        ("given_name", "Eve\u202egnalam", "Remove the hidden or control characters"),
        ("family_name", "12345", "Enter a name with at least one letter."),
    ],
)
def test_it_refuses_bad_input_field_by_field_and_sends_nothing(
    signup, clock, local_stack, field, value, message
):
    page = signup.start(**{field: value})

    assert page.status_code == 200
    assert message in _text(page)
    # The message's id is the one the field's aria-describedby names.
    assert f'id="id_{field}_error"' in _text(page)
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', _text(page))
    assert _rows("avery.newcomer@example.org") == [] and mail_to(local_stack, EMAIL) == []


def test_it_reads_a_phone_number_in_any_common_notation_as_e164(signup, clock):
    signup.start(phone="+44 20 7946 0958")

    assert _signups()[0]["phone"] == "+442079460958"


def test_it_treats_email_case_as_the_same_address(signup, clock):
    signup.start(email="Avery.Newcomer@Example.ORG")

    assert len(_signups(EMAIL)) == 1


# --- No user enumeration -------------------------------------------------------------

# The same length as patient@medisecure.test, the demo patient's address, so
# the two pages can be compared byte for byte after the CSRF token.
UNTAKEN = "pat.new@medisecure.test"


def _comparable(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _text(response))


def test_signing_up_with_a_taken_address_looks_exactly_like_a_new_signup(
    client_factory, cast, clock, local_stack
):
    taken, fresh = client_factory(), client_factory()
    taken_post = taken.post("/signup/", signup_form(email=cast.patient.email))
    fresh_post = fresh.post("/signup/", signup_form(email=UNTAKEN))
    taken_page, fresh_page = taken.get("/signup/verify/"), fresh.get("/signup/verify/")

    assert (
        (taken_post.status_code, taken_post.url)
        == (fresh_post.status_code, fresh_post.url)
        == (302, "/signup/verify/")
    )
    assert taken_page.status_code == fresh_page.status_code == 200
    assert [t.name for t in taken_page.templates] == [t.name for t in fresh_page.templates]
    assert len(taken_page.content) == len(fresh_page.content)
    assert _comparable(taken_page).replace(cast.patient.email, UNTAKEN) == _comparable(fresh_page)

    taken_wrong, fresh_wrong = (
        taken.post("/signup/verify/", {"code": "123456"}),
        fresh.post("/signup/verify/", {"code": "123456"}),
    )
    assert taken_wrong.status_code == fresh_wrong.status_code == 200
    assert _comparable(taken_wrong).replace(cast.patient.email, UNTAKEN) == _comparable(fresh_wrong)


def test_the_holder_of_a_taken_address_is_told_and_no_second_account_is_made(
    client, cast, clock, local_stack
):
    before = cognito.get_pool_user(cast.patient.email)

    client.post("/signup/", signup_form(email=cast.patient.email, given_name="Mallory"))

    (notice,) = mail_to(local_stack, cast.patient.email)
    assert "tried to create a new" in notice["body"] and "no new account was made" in notice["body"]
    assert "Mallory" not in notice["body"] and codes_sent_to(local_stack, cast.patient.email) == []
    after = cognito.get_pool_user(cast.patient.email)
    assert (after.sub, after.status) == (before.sub, before.status)
    (row,) = _signups(cast.patient.email)
    assert row["existingAccount"] is True
    # Nothing the person typed is kept: not their name, nor the password.
    assert not {"givenName", "familyName", "dateOfBirth", "phone", "passwordSealed"} & set(row)


def test_a_taken_address_stays_refused_whatever_code_is_tried(client, cast, clock):
    client.post("/signup/", signup_form(email=cast.patient.email))

    for code in ("000000", "123456", "999999", "654321", "111111"):
        client.post("/signup/verify/", {"code": code})

    assert "no longer works" in _text(client.post("/signup/verify/", {"code": "222222"}))
    assert users_with_email(cast.patient.email) == 1


def users_with_email(email: str) -> int:
    users = aws_clients.client("cognito-idp").list_users(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Filter=f'email = "{email}"'
    )
    return len(users["Users"])


# --- The email --------------------------------------------------------------------


def test_the_code_email_has_text_and_html_the_clinic_the_code_its_expiry_and_only_the_first_name(
    signup, clock, settings
):
    settings.CLINIC_NAME = "Riverside Family Clinic"
    sent = faults.SendLog()
    with faults.at_send("sesv2", sent):
        signup.start()

    (request,) = sent.bodies("SendEmail")
    assert request["ConfigurationSetName"] == settings.SES_CONFIGURATION_SET
    assert request["FromEmailAddress"] == settings.SES_SENDER
    assert request["Destination"] == {"ToAddresses": [EMAIL]}
    simple = request["Content"]["Simple"]
    assert "Riverside Family Clinic" in simple["Subject"]["Data"]
    code = signup.latest_code()
    for part in (simple["Body"]["Text"]["Data"], simple["Body"]["Html"]["Data"]):
        assert "Riverside Family Clinic" in part and code in part and "Avery" in part
        assert "10 minutes" in part
        # The code is six random digits and may hold "555" itself.
        for not_to_be_mailed in ("Newcomer", "1990", "555", "0123"):
            assert not_to_be_mailed not in part.replace(code, "")
    assert "<html" not in simple["Body"]["Text"]["Data"]


# --- SES failure ------------------------------------------------------------------


def _ses_refuses(request, operation):
    if operation == "SendEmail":
        return faults.json_error(
            request, status=400, code="MessageRejected", message="Email address is not verified."
        )
    return None


def test_when_ses_refuses_the_person_is_told_and_nothing_is_lost(signup, clock, client, local_stack):
    with faults.at_send("sesv2", _ses_refuses):
        sent = signup.start()

    page = client.get(sent.url)
    assert page.status_code == 200 and "We could not send the email. Please try again." in _text(page)
    assert mail_to(local_stack, EMAIL) == []
    (row,) = _signups()
    assert row["status"] == PENDING
    assert [event.action for event in _events("signup.")] == ["signup.requested", "signup.code.send_failed"]

    # The failed send does not count: a new code can be asked for at once.
    resent = client.get(signup.resend().url)

    assert "We sent a new code" in _text(resent)
    assert signup.verify(signup.latest_code()).url == "/signup/complete/"


def test_when_ses_refuses_a_resend_the_signup_stays_and_a_later_resend_works(signup, clock, client):
    signup.start()
    clock.advance(seconds=60)
    with faults.at_send("sesv2", _ses_refuses):
        failed = client.get(signup.resend().url)
    assert "We could not send the email. Please try again." in _text(failed)

    assert "We sent a new code" in _text(client.get(signup.resend().url))
    assert signup.verify(signup.latest_code()).url == "/signup/complete/"


# --- The pages without a sign-up in progress ----------------------------------------


def test_the_code_page_without_a_signup_sends_the_person_to_start(client, aws):
    assert client.get("/signup/verify/").url == "/signup/"
    assert client.post("/signup/verify/", {"code": "123456"}).url == "/signup/"
    assert client.post("/signup/verify/resend/").url == "/signup/"
    assert client.get("/signup/complete/").url == "/signup/"


def test_a_signup_older_than_its_lifetime_cannot_be_finished(signup, clock, client):
    signup.start()
    clock.advance(hours=settings.SIGNUP_PENDING_HOURS)

    gone = signup.verify(signup.latest_code())

    assert gone.url == "/signup/"
    assert "Please start again" in _text(client.get("/signup/"))
    assert cognito.get_pool_user(EMAIL) is None


def test_resend_is_post_only(client, aws):
    assert client.get("/signup/verify/resend/").status_code == 405


def test_a_stranger_asking_for_someone_elses_address_cannot_lock_its_owner_out(aws, clock, local_stack):
    from medisecure.identity.actors import ANONYMOUS, AuditContext
    from patients.signup import services as signup_services
    from patients.signup.domain import SendTooSoon, SignupDetails

    details = SignupDetails(EMAIL, "Avery", "Newcomer", "1990-05-17", "+12125550123")
    stranger, owner = AuditContext(ip="203.0.113.9"), AuditContext(ip="198.51.100.4")
    for _ in range(5):
        signup_services.signup_request(actor=ANONYMOUS, audit=stranger, details=details)
        clock.advance(seconds=61)
    with pytest.raises(SendTooSoon):
        signup_services.signup_request(actor=ANONYMOUS, audit=stranger, details=details)

    started = signup_services.signup_request(actor=ANONYMOUS, audit=owner, details=details)

    assert started.sent and len(mail_to(local_stack, EMAIL)) == 6
    ledger = [row for row in _rows() if "sentAt" in row][0]
    assert "203.0.113.9" not in json.dumps(ledger, default=str)
