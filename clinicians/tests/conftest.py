"""Fixtures for clinician onboarding: the mail the local stack's SES holds,
and the clinic's admins signed in."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

import pytest
from django.test import Client

from medisecure.identity.roles import Role
from portal import seeding
from tests.support import TEST_PASSWORD, sign_in


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    body: str  # moto keeps the HTML part


@pytest.fixture
def outbox(local_stack):
    """The mail SES holds in the local stack, oldest first."""

    def read() -> list[Mail]:
        with urllib.request.urlopen(f"{local_stack.url}/moto-api/data.json", timeout=10) as response:
            data = json.load(response)
        return [
            Mail(to=message["destinations"]["ToAddresses"], subject=message["subject"], body=message["body"])
            for message in data.get("ses", {}).get("Message", [])
        ]

    return read


@pytest.fixture
def admin_client(client, cast):
    sign_in(client, cast.admin.email)
    return client


@pytest.fixture
def second_admin(cast):
    return seeding.user_seed(
        person=seeding.SeedPerson("second.admin@medisecure.test", Role.ADMIN, "Sam", "Second"),
        password=TEST_PASSWORD,
    )


@pytest.fixture
def second_admin_client(second_admin):
    other = Client()
    sign_in(other, second_admin.email)
    return other
