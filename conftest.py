"""Fixtures shared by every test: a private local AWS stack for the session
(moto in server mode plus the hosted sign-in UI, over real HTTP), reset and
bootstrapped before each test that asks for `aws`, and a fixed cast of
people to act as."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings

from audit import repository as audit_repository
from deploy.local.process import LocalStack
from medisecure import aws as aws_clients
from medisecure import bootstrap
from medisecure.identity.roles import Role
from portal import seeding
from portal.seeding import SeedResult
from tests import phi_markers
from tests.support import TEST_PASSWORD


@pytest.fixture(scope="session")
def local_stack():
    stack = LocalStack()
    stack.start(port=urlparse(django_settings.LOCAL_STACK_URL).port)
    yield stack
    stack.stop()


@pytest.fixture
def aws(local_stack, settings):
    """An empty stack with every table, the user pool, the bucket and the SES
    identity, and the settings pointed at this pool's fresh ids."""
    return prepare_stack(local_stack, settings)


def prepare_stack(local_stack, settings):
    local_stack.reset()
    audit_repository.forget_written_heads()
    bootstrap.ensure_tables()
    ids, _ = bootstrap.ensure_user_pool()
    bootstrap.ensure_bucket()
    bootstrap.ensure_archive_bucket()
    bootstrap.ensure_email()
    settings.COGNITO_USER_POOL_ID = ids.user_pool_id
    settings.OIDC_RP_CLIENT_ID = ids.client_id
    settings.OIDC_RP_CLIENT_SECRET = ids.client_secret
    settings.COGNITO_ISSUER = f"{settings.LOCAL_STACK_URL}/{ids.user_pool_id}"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{settings.COGNITO_ISSUER}/.well-known/jwks.json"
    return ids


@pytest.fixture
def dynamodb_calls():
    """Counts DynamoDB round trips by operation (every attempt is one),
    through botocore's send hook on the project's own client."""
    calls: Counter = Counter()

    def count(request, **kwargs):
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        calls[target.rsplit(".", 1)[-1]] += 1

    client = aws_clients.client("dynamodb")
    client.meta.events.register("before-send.dynamodb", count)
    yield calls
    client.meta.events.unregister("before-send.dynamodb", count)


@dataclass(frozen=True)
class Cast:
    """The fixed people tests act as, by their Cognito sub."""

    patient: SeedResult
    other_patient: SeedResult
    doctor: SeedResult
    other_doctor: SeedResult
    admin: SeedResult
    marketer: SeedResult
    frontdesk: SeedResult


@pytest.fixture
def cast(aws) -> Cast:
    """The demo cast (the doctor cares for the patient) plus a second patient
    and a second doctor with no relationship to anyone."""
    demo = {result.role: result for result in seeding.demo_cast_seed(password=TEST_PASSWORD)}
    other_patient = seeding.user_seed(person=phi_markers.OTHER_PATIENT, password=TEST_PASSWORD)
    other_doctor = seeding.user_seed(person=phi_markers.OTHER_DOCTOR, password=TEST_PASSWORD)
    return Cast(
        patient=demo[Role.PATIENT],
        other_patient=other_patient,
        doctor=demo[Role.DOCTOR],
        other_doctor=other_doctor,
        admin=demo[Role.ADMIN],
        marketer=demo[Role.MARKETER],
        frontdesk=demo[Role.FRONTDESK],
    )
