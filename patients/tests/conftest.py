"""Fixtures for the sign-up and profile tests: a clock the tests move, and
a person signing up through the portal's pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.support import FakeClock, mail_to

CODE_IN_HTML = re.compile(r'class="code"[^>]*>(\d{6})<')
NEW_PASSWORD = "Fresh-Start-2024-Ok!"


@pytest.fixture
def clock(monkeypatch):
    """Time as the portal's rules see it, moved by the test (no sleeping)."""
    fake = FakeClock(datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr("medisecure.clock.now", fake.now)
    return fake


def signup_form(**overrides) -> dict:
    values = {
        "given_name": "Avery",
        "family_name": "Newcomer",
        "email": "avery.newcomer@example.org",
        "date_of_birth": "1990-05-17",
        "phone": "(212) 555-0123",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    values.update(overrides)
    return values


def codes_sent_to(local_stack, email: str) -> list[str]:
    return [
        match.group(1)
        for message in mail_to(local_stack, email)
        for match in [CODE_IN_HTML.search(message["body"])]
        if match
    ]


@dataclass
class SignupDriver:
    """A person signing up in one browser (one Django test client)."""

    client: object
    local_stack: object
    password: str = NEW_PASSWORD

    def start(self, **overrides):
        values = signup_form(**overrides)
        self.password = values["password"]
        return self.client.post("/signup/", values)

    def latest_code(self, email: str = "avery.newcomer@example.org") -> str:
        return codes_sent_to(self.local_stack, email)[-1]

    def verify(self, code: str):
        """The code, then (once it is right) the password this person chose
        when they started, on the page that follows."""
        response = self.verify_code(code)
        if response.status_code == 302 and response.url == "/signup/password/":
            return self.choose_password(self.password)
        return response

    def verify_code(self, code: str):
        return self.client.post("/signup/verify/", {"code": code})

    def choose_password(self, password: str, again: str | None = None):
        return self.client.post(
            "/signup/password/",
            {"password": password, "password_again": password if again is None else again},
        )

    def resend(self):
        return self.client.post("/signup/verify/resend/")


@pytest.fixture
def client_factory():
    """Separate browsers (each its own cookies and session)."""
    from django.test import Client

    return Client


@pytest.fixture
def signup(client, local_stack, aws):
    return SignupDriver(client, local_stack)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
