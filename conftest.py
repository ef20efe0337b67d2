"""Fixtures shared by every test: a private local AWS stack for the session
(moto in server mode plus the hosted sign-in UI, over real HTTP), reset and
bootstrapped before each test that asks for `aws`, and a fixed cast of
people to act as."""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from dataclasses import dataclass
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings

from audit import repository as audit_repository
from deploy.local.process import LocalStack
from medisecure import aws as aws_clients
from medisecure import bootstrap, clock
from medisecure.identity.roles import Role
from portal import seeding
from portal.seeding import SeedResult
from tests import phi_markers
from tests.support import TEST_PASSWORD


def pytest_configure(config):
    """The pages under test read the catalogue as `make test` and the image
    build it (tools/compile_messages.py); a catalogue it refuses stops the run."""
    from tools import compile_messages

    if compile_messages.main([]) != 0:
        raise pytest.UsageError("locale/: the catalogue does not compile (see above)")


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


# Settings the starting stack is built from: a test that changes one before
# asking for `aws` gets a stack (and a snapshot) of its own.
STACK_SHAPING_SETTINGS = (
    "SITE_URL",
    "TABLE_PREFIX",
    "AWS_REGION",
    "IS_PRODUCTION",
    "COGNITO_USER_POOL_NAME",
    "COGNITO_DOMAIN_PREFIX",
    "COGNITO_APP_CLIENT_NAME",
    "DOCUMENTS_BUCKET",
    "AUDIT_ARCHIVE_BUCKET",
    "AUDIT_ARCHIVE_RETENTION_YEARS",
    "AUDIT_CHAIN_COUNT",
    "SES_SENDER",
    "SES_CONFIGURATION_SET",
)

_MACHINE_NOW = clock.now

# What each saved snapshot holds, by stack and settings: the pool's ids, and
# (for the cast's snapshot) the people seeded.
_snapshots: dict[tuple[str, str], object] = {}


def _snapshot_name(kind: str, settings) -> str:
    shape = repr([getattr(settings, name, None) for name in STACK_SHAPING_SETTINGS])
    return f"{kind}-{hashlib.sha256(shape.encode()).hexdigest()[:16]}"


def prepare_stack(local_stack, settings):
    """The empty starting stack: built once per test session (and shape of
    settings), saved in the local stack, and restored in one call after."""
    audit_repository.forget_written_heads()
    name = _snapshot_name("empty", settings)
    ids = _snapshots.get((local_stack.url, name))
    if ids is None:
        local_stack.reset()
        with _machine_clock():
            ids = _build_stack()
        local_stack.save_snapshot(name)
        _snapshots[(local_stack.url, name)] = ids
    else:
        local_stack.restore_snapshot(name)
    settings.COGNITO_USER_POOL_ID = ids.user_pool_id
    settings.OIDC_RP_CLIENT_ID = ids.client_id
    settings.OIDC_RP_CLIENT_SECRET = ids.client_secret
    settings.COGNITO_ISSUER = f"{settings.LOCAL_STACK_URL}/{ids.user_pool_id}"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{settings.COGNITO_ISSUER}/.well-known/jwks.json"
    return ids


@contextlib.contextmanager
def _machine_clock():
    """What a snapshot holds is stamped by the machine's clock, whichever
    test (with whatever moved clock) happens to build it first."""
    with mock.patch("medisecure.clock.now", _MACHINE_NOW):
        yield


def _build_stack():
    bootstrap.ensure_tables()
    ids, _ = bootstrap.ensure_user_pool()
    bootstrap.ensure_bucket()
    bootstrap.ensure_archive_bucket()
    bootstrap.ensure_email()
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
def cast(aws, local_stack, settings) -> Cast:
    """The demo cast (the doctor cares for the patient) plus a second patient
    and a second doctor with no relationship to anyone; seeded once per
    session like the stack, then restored with it."""
    name = _snapshot_name("cast", settings)
    seeded = _snapshots.get((local_stack.url, name))
    if seeded is None:
        with _machine_clock():
            seeded = _seed_cast()
        local_stack.save_snapshot(name)
        _snapshots[(local_stack.url, name)] = seeded
    else:
        local_stack.restore_snapshot(name)
        audit_repository.forget_written_heads()
    return seeded


def _seed_cast() -> Cast:
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
