"""`make run`: the whole portal on this machine, against the local AWS stack.

Starts the stack on loopback, creates every AWS resource and the demo
accounts, starts the stream consumers (`manage.py stream_consumer --follow`:
the audit archiver), then serves the portal on http://127.0.0.1:8000 until Ctrl-C,
when the consumers and the stack stop too. The stack keeps its data in memory only: every
start begins empty, and the demo accounts are made again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

from deploy.local.process import LocalStack
from medisecure.passwords import generate_password

REPO = Path(__file__).resolve().parents[2]
PORTAL_ADDRESS = "127.0.0.1:8000"
DEMO_EMAILS = ("patient", "doctor", "frontdesk", "admin", "marketer")


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


# What to try first as each demo account, against the clinic seed_demo made.
TRY_AS = {
    "patient": "Messages (an answer from Dr Sample waiting for you); Results (a high LDL cholesterol, new); "
    "your record (blood pressure coming down over twelve weeks, immunizations); book a check-up; "
    "choose Spanish as your language in My profile (pages and emails turn Spanish)",
    "doctor": "your week grid; your home's results to review and unread messages (Jordan Example's "
    "home readings); open Jordan Example's chart and mark a result reviewed",
    "frontdesk": "today's arrivals (check one in); find a caller and book them a visit type and place; "
    "move or cancel a visit with Dr Nowak after his two weeks away (his waitlist's first patient is emailed)",
    "admin": "review the two clinician applications and the emergency-access grant; visit types and "
    "locations; verify the audit trail",
    "marketer": "twelve weeks of sign-ups and bookings on the dashboard (change the weeks, download a "
    "chart's CSV); the clinic directory: four doctors in three specialties",
}


def _banner(password: str, stack_url: str) -> str:
    accounts = "\n".join(
        f"    {role:9} {role}@medisecure.test\n              try: {TRY_AS[role]}" for role in DEMO_EMAILS
    )
    return f"""
==========================================================================
 MediSecure is running:  http://{PORTAL_ADDRESS}/
 A demo clinic is in use (`manage.py seed_demo`): four doctors, thirty
 patients, twelve weeks of visits, messages, lab results, a waitlist.
 Sign in with "Sign in" and one of these demo accounts:
{accounts}
    password  {password}
 Every demo patient and doctor (e.g. jose.martinez-ruiz@patients.medisecure.test,
 lukasz.nowak@medisecure.test) signs in with the same password.
 Mail the portal sends (SES) is readable at {stack_url}/_outbox/
 The local AWS stack keeps its data in memory: stopping `make run`
 (Ctrl-C) loses it, and the next start seeds the demo accounts again.
==========================================================================
"""


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    env = {**os.environ, "MEDISECURE_ENV": "local"}
    stack_url = env.setdefault("LOCAL_STACK_URL", "http://127.0.0.1:4566")
    port = urlparse(stack_url).port or 4566
    for busy in (port, int(PORTAL_ADDRESS.rsplit(":", 1)[1])):
        if _port_in_use(busy):
            print(f"Port {busy} is already in use: is another `make run` still running? Stop it first.")
            return 1
    password = env.get("DEMO_PASSWORD") or generate_password()
    env["DEMO_PASSWORD"] = password
    # `kill` or a closed terminal stops the stack as cleanly as Ctrl-C does.
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _interrupt)
    stack = LocalStack()
    stack.start(port=port)
    consumer: subprocess.Popen | None = None
    try:
        _manage("migrate", "--noinput", "-v", "0", env=env)
        _manage("bootstrap_aws", env=env)
        _manage("seed_users", env=env)
        _manage("seed_demo", env=env)
        # The stream consumers (the audit archiver): what Lambda runs in AWS.
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "stream_consumer", "--follow"], cwd=REPO, env=env
        )
        print(_banner(password, stack_url), flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "runserver", "--noreload", PORTAL_ADDRESS], cwd=REPO, env=env
        )
    except KeyboardInterrupt:
        pass
    finally:
        _stop(consumer)
        stack.stop()
    return 0


def _stop(process: subprocess.Popen | None) -> None:
    """Ask a child to stop (it finishes its batch), then make it."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if __name__ == "__main__":
    sys.exit(main())
