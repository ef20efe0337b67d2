"""Making the account is safe to retry: a crash between any two steps leaves
nothing that blocks the person and nothing anyone can sign into, choosing
the password again finishes the job, and two submits at once make one
account. Crashes are injected at botocore's send boundary."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings

from medisecure import aws as aws_clients
from medisecure.identity import cognito
from medisecure.identity.actors import ANONYMOUS, AuditContext
from medisecure.identity.roles import Role
from patients import repository
from patients.signup import repository as signups
from patients.signup import services as signup_services
from patients.signup.domain import VERIFIED, SignupRef
from patients.tests.conftest import NEW_PASSWORD
from portal import seeding
from tests import faults
from tests.support import TEST_PASSWORD, sign_in

pytestmark = pytest.mark.django_db

EMAIL = "avery.newcomer@example.org"


def _users_with_email(email: str) -> list[dict]:
    response = aws_clients.client("cognito-idp").list_users(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Filter=f'email = "{email}"'
    )
    return response["Users"]


def _assert_one_complete_account(client, email: str = EMAIL, password: str = NEW_PASSWORD) -> str:
    (user,) = _users_with_email(email)
    pool_user = cognito.get_pool_user(email)
    assert pool_user.status == "CONFIRMED"
    assert cognito.groups_of(email) == {"patient"}
    assert repository.get(pool_user.sub) is not None
    assert sign_in(client, email, password, next_url="/patient/").url == "/patient/"
    return pool_user.sub


def _crash(service_operation: str, *, after: str | None = None, table: str | None = None):
    """A send hook that 'kills the process' at the first `service_operation`
    (after `after` has been sent, if given; carrying `table`, if given)."""
    seen = {"after": after is None}

    def hook(request, operation):
        if operation == after:
            seen["after"] = True
            return None
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        if seen["after"] and operation == service_operation and (table is None or table in body):
            raise faults.SimulatedCrash(operation)
        return None

    return hook


CRASH_POINTS = {
    # The first call after the Cognito user is created.
    "right-after-the-user-is-created": ("cognito-idp", _crash("AdminGetUser", after="AdminCreateUser")),
    "setting-the-password": ("cognito-idp", _crash("AdminSetUserPassword")),
    "joining-the-patient-group": ("cognito-idp", _crash("AdminAddUserToGroup")),
    "writing-the-patient-record": ("dynamodb", _crash("TransactWriteItems", table="test-patients")),
}


@pytest.mark.parametrize("point", sorted(CRASH_POINTS))
def test_a_crash_between_steps_is_finished_by_verifying_again(signup, clock, client, point):
    service, hook = CRASH_POINTS[point]
    signup.start()
    code = signup.latest_code()

    with faults.at_send(service, hook), pytest.raises(faults.SimulatedCrash):
        signup.verify(code)

    assert signups.signup_get(EMAIL, client.session["signup"]["created_at"]).status != VERIFIED
    # The password is the last step: what the crash left cannot be signed into.
    half_made = cognito.get_pool_user(EMAIL)
    assert half_made is None or half_made.status != "CONFIRMED"
    assert signup.verify(code).url == "/signup/complete/"
    _assert_one_complete_account(client)


def test_a_half_made_account_does_not_block_a_fresh_signup_later(signup, clock, client_factory, local_stack):
    signup.start()
    with faults.at_send("cognito-idp", _crash("AdminSetUserPassword")), pytest.raises(faults.SimulatedCrash):
        signup.verify(signup.latest_code())
    half_made = cognito.get_pool_user(EMAIL)
    # The person gives up, and comes back the next day in another browser.
    clock.advance(hours=settings.SIGNUP_PENDING_HOURS + 1)
    later = type(signup)(client_factory(), local_stack)

    later.start(given_name="Avery-Jo", password="Second-Try-2025-Ok!", password_again="Second-Try-2025-Ok!")
    # A code, not an "you already have an account" notice.
    assert later.verify(later.latest_code()).url == "/signup/complete/"

    sub = _assert_one_complete_account(client_factory(), password="Second-Try-2025-Ok!")
    assert sub == half_made.sub
    assert repository.get(sub).given_name == "Avery-Jo"


def test_two_password_submits_at_once_make_one_account(signup, clock, client):
    signup.start()
    signup.verify_code(signup.latest_code())
    ref = SignupRef(**client.session["signup"])
    # Both submits look for the user before either creates it: the worst
    # interleaving, made certain rather than hoped for.
    both_looking = threading.Barrier(2, timeout=20)
    per_thread = threading.local()

    def meet_at_first_lookup(request, operation):
        if operation == "AdminGetUser" and not getattr(per_thread, "met", False):
            per_thread.met = True
            both_looking.wait()

    results, errors = [], []

    def choose():
        try:
            results.append(
                signup_services.signup_password_set(
                    actor=ANONYMOUS, audit=AuditContext(), ref=ref, password=NEW_PASSWORD
                )
            )
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)

    with faults.at_send("cognito-idp", meet_at_first_lookup):
        threads = [threading.Thread(target=choose) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert _assert_one_complete_account(client) == results[0]
    assert signups.signup_get(ref.email, ref.created_at).status == VERIFIED


def test_an_address_that_gained_an_account_another_way_is_left_alone(signup, clock, client, client_factory):
    signup.start()
    code = signup.latest_code()
    seeding.user_seed(
        person=seeding.SeedPerson(EMAIL, Role.DOCTOR, "Dana", "Doctor", specialty="Cardiology"),
        password=TEST_PASSWORD,
    )

    page = signup.verify(code)

    assert page.status_code == 200 and "You already have an account" in page.content.decode()
    doctor = cognito.get_pool_user(EMAIL)
    assert cognito.groups_of(EMAIL) == {"doctor"}
    assert repository.get(doctor.sub) is None
    # Its password is still the one it had.
    assert sign_in(client_factory(), EMAIL, TEST_PASSWORD, next_url="/doctor/").url == "/doctor/"


def test_a_crash_after_the_code_is_finished_later_without_a_new_code(signup, clock, client):
    signup.start()
    with faults.at_send("cognito-idp", _crash("AdminAddUserToGroup")), pytest.raises(faults.SimulatedCrash):
        signup.verify(signup.latest_code())
    clock.advance(minutes=30)  # the code has expired: the address was proven already

    assert signup.choose_password(NEW_PASSWORD).url == "/signup/complete/"
    _assert_one_complete_account(client)


def test_a_signup_secret_rotated_mid_signup_asks_the_person_to_start_again(signup, clock, client, settings):
    signup.start()
    settings.SIGNUP_SECRET_KEY = "rotated-" * 8
    # The code is keyed by the old secret too, so nothing verifies.
    assert "That code is not right" in signup.verify(signup.latest_code()).content.decode()
    assert cognito.get_pool_user(EMAIL) is None
