"""What the benchmarks share: a private local AWS stack with the portal's
resources and the demo cast, the portal's settings pointed at it, people
signed in through the real sign-in flow, and DynamoDB calls counted at
botocore's hooks (round trips, items read, time spent inside them)."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from urllib.parse import urljoin

import requests

from deploy.local.process import LocalStack

BENCH_PASSWORD = "Correct-Horse-9-Battery!"
REPO = Path(__file__).resolve().parents[1]


def environment(stack_url: str, *, prefix: str = "bench-", site_url: str = "http://testserver") -> dict:
    """The settings a benchmark runs the portal with (as the test session does)."""
    return {
        "DJANGO_SETTINGS_MODULE": "medisecure.settings",
        "MEDISECURE_ENV": "local",
        "LOCAL_STACK_URL": stack_url,
        "TABLE_PREFIX": prefix,
        "DOCUMENTS_BUCKET": f"{prefix}documents",
        "COGNITO_USER_POOL_NAME": f"medisecure-{prefix.strip('-')}",
        "COGNITO_USER_POOL_ID": "",
        "COGNITO_APP_CLIENT_ID": "",
        "COGNITO_APP_CLIENT_SECRET": "",
        "SITE_URL": site_url,
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_DEBUG": "false",
        "STAFF_MFA_REQUIRED": "false",
    }


def start(*, site_url: str = "http://testserver") -> LocalStack:
    """A fresh stack with every table, the user pool, bucket and SES identity,
    Django set up in this process to use it."""
    stack = LocalStack().start()
    os.environ.update(environment(stack.url, site_url=site_url))
    import django

    django.setup()
    from django.conf import settings

    from medisecure import bootstrap

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
    return stack


def demo_cast() -> dict:
    """The demo accounts (patient, doctor, admin, marketer) by role name."""
    from portal import seeding

    return {result.role.value: result for result in seeding.demo_cast_seed(password=BENCH_PASSWORD)}


def patients_of_the_demo_doctor(count: int) -> list[str]:
    """`count` more patients, each in the demo doctor's care (one person, one
    browser: signing in again elsewhere ends a person's earlier session)."""
    from datetime import datetime

    from medisecure.identity.roles import Role
    from patients import repository as patients
    from patients.care_team import repository as care_team
    from portal import seeding

    doctor = demo_cast()["doctor"]
    emails = []
    for number in range(count):
        person = seeding.SeedPerson(
            f"bench.patient{number}@medisecure.test", Role.PATIENT, "Bench", f"Patient{number}", "1980-01-01"
        )
        result = seeding.user_seed(person=person, password=BENCH_PASSWORD)
        care_team.link_add_if_missing(
            patient=patients.get(result.sub),
            provider_id=doctor.sub,
            since=datetime.now(UTC).isoformat(),
            reason="Bench",
        )
        emails.append(person.email)
    return emails


def pool_environment() -> dict:
    """The settings another process (gunicorn) needs to reach this pool."""
    from django.conf import settings

    return {
        "COGNITO_USER_POOL_ID": settings.COGNITO_USER_POOL_ID,
        "COGNITO_APP_CLIENT_ID": settings.OIDC_RP_CLIENT_ID,
        "COGNITO_APP_CLIENT_SECRET": settings.OIDC_RP_CLIENT_SECRET,
    }


def test_database() -> None:
    """Django's own tables (users, sessions) in an in-memory database, and
    'testserver' allowed, as in the test suite."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, serialize=False)


def signed_in(email: str):
    """A Django test client signed in through the portal's OIDC flow and the
    local stack's hosted sign-in page."""
    from django.test import Client

    from tests.support import sign_in

    client = Client()
    sign_in(client, email, BENCH_PASSWORD)
    return client


def demo_email(role: str) -> str:
    return f"{role}@medisecure.test"


# --- The portal under gunicorn ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer at {url}")


@contextlib.contextmanager
def gunicorn(local_stack: LocalStack, *, port: int, workers: int = 2, threads: int = 4):
    """The portal under gunicorn with the container's configuration
    (deploy/aws/gunicorn.conf.py) on 127.0.0.1:`port`, against this stack and
    pool, with a throwaway SQLite database for Django's sessions. Yields its
    address; prints the command."""
    portal = f"http://127.0.0.1:{port}"
    workdir = tempfile.mkdtemp(prefix="medisecure-bench-")
    env = {
        **os.environ,
        **environment(local_stack.url, site_url=portal),
        **pool_environment(),
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_WORKER_TMP_DIR": workdir,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/aws/gunicorn.conf.py",
        "--access-logfile",
        os.devnull,
        "medisecure.wsgi",
    ]
    print(
        "$ "
        + " ".join(
            f"{name}={env[name]}" for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS")
        )
        + " python "
        + " ".join(command[1:]),
        flush=True,
    )
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(f"{portal}/healthz")
        yield portal
    finally:
        server.terminate()
        server.wait(timeout=60)


def http_sign_in(portal: str, email: str) -> requests.Session:
    """A browser's session, signed in over HTTP through /oidc/authenticate/,
    the local hosted sign-in page and the portal's callback."""
    from tests.support import HostedUi, hosted_sign_in

    hosted = HostedUi()
    start = hosted.session.get(f"{portal}/oidc/authenticate/", allow_redirects=False)
    callback = hosted_sign_in(hosted, start.headers["Location"], email, BENCH_PASSWORD)
    landed = hosted.session.get(urljoin(portal, callback), allow_redirects=False)
    assert landed.status_code == 302, f"sign-in callback answered {landed.status_code}"
    return hosted.session


# --- Counting DynamoDB calls ----------------------------------------------------


@dataclass
class Calls:
    """DynamoDB round trips, the items they read, and the seconds spent in
    them (sending, the emulator's work, parsing), for the calls made on this
    thread since the last reset."""

    round_trips: Counter = field(default_factory=Counter)
    items_read: int = 0
    seconds: float = 0.0

    def reset(self) -> None:
        self.round_trips = Counter()
        self.items_read = 0
        self.seconds = 0.0


class DynamoCounter:
    def __init__(self):
        self._local = threading.local()

    def calls(self) -> Calls:
        if not hasattr(self._local, "calls"):
            self._local.calls = Calls()
        return self._local.calls

    def __enter__(self):
        from medisecure import aws

        events = aws.client("dynamodb").meta.events
        events.register("before-send.dynamodb", self._sent)
        events.register("before-call.dynamodb", self._started)
        events.register("after-call.dynamodb", self._finished)
        return self

    def __exit__(self, *exc):
        from medisecure import aws

        events = aws.client("dynamodb").meta.events
        events.unregister("before-send.dynamodb", self._sent)
        events.unregister("before-call.dynamodb", self._started)
        events.unregister("after-call.dynamodb", self._finished)

    def _sent(self, request, event_name, **kwargs):
        self.calls().round_trips[event_name.rsplit(".", 1)[-1]] += 1

    def _started(self, **kwargs):
        self._local.started = time.perf_counter()

    def _finished(self, http_response, parsed, model, **kwargs):
        calls = self.calls()
        calls.seconds += time.perf_counter() - getattr(self._local, "started", time.perf_counter())
        calls.items_read += items_read(model.name, parsed)


def items_read(operation: str, parsed: dict) -> int:
    """Items DynamoDB read to answer (what a read is billed by): a Query or
    Scan's ScannedCount, not just the items it returned."""
    if operation in ("Query", "Scan"):
        return int(parsed.get("ScannedCount", 0))
    if operation == "GetItem":
        return 1 if parsed.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(items) for items in parsed.get("Responses", {}).values())
    return 0


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"
