"""Helpers for clinician onboarding tests: a valid application to vary,
and reading back what the stack holds."""

from __future__ import annotations

import itertools
from datetime import timedelta

from boto3.dynamodb.conditions import Key
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from clinicians.applications import repository
from medisecure import aws, dynamo
from medisecure.tables import CLINICIAN_APPLICATIONS

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"
VALID_NPI = "1234567893"  # the check-digit example CMS publishes


def application_form(**overrides) -> dict:
    """What a clinician would type, with a PDF licence scan."""
    values = {
        "given_name": "Avery",
        "family_name": "Applicant",
        "email": "avery.applicant@example.com",
        "phone": "+1 212 555 0123",
        "specialty": "Cardiology",
        "licence_number": "MD-204518",
        "licence_region": "New York",
        "licence_expiry": (timezone.localdate() + timedelta(days=400)).isoformat(),
        "npi": VALID_NPI,
        "years_of_practice": "8",
        "statement": "I have practised cardiology for eight years\nand would like to join the clinic.",
        "licence_scan": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def apply(client, **overrides):
    return client.post("/clinicians/apply/", application_form(**overrides))


_visitor_numbers = itertools.count(1)


def submitted(email: str = "avery.applicant@example.com", **overrides):
    """Apply through the public page (as a new visitor, from an address of
    their own, so many applications stay under the per-address rate limit)
    and return the stored application."""
    number = next(_visitor_numbers)
    visitor = Client(REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}")
    response = apply(visitor, email=email, **overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    return latest_for(email)


def latest_for(email: str):
    page = dynamo.query_page(
        CLINICIAN_APPLICATIONS,
        Key("email").eq(email),
        index="EmailIndex",
        list_name="test",
        newest_first=True,
        limit=1,
    )
    return repository.get(page.items[0]["applicationId"]) if page.items else None


def stored_items() -> list[dict]:
    """Everything in the applications table (a Scan: tests only)."""
    client = dynamo.client()
    response = client.scan(TableName=dynamo.name(CLINICIAN_APPLICATIONS), ConsistentRead=True)
    return [dynamo.from_item(item) for item in response.get("Items", [])]


def pool_users_with_email(email: str) -> list[dict]:
    pages = (
        aws.client("cognito-idp")
        .get_paginator("list_users")
        .paginate(UserPoolId=settings.COGNITO_USER_POOL_ID)
    )
    return [
        user
        for page in pages
        for user in page["Users"]
        if {a["Name"]: a["Value"] for a in user["Attributes"]}.get("email") == email
    ]


def decide(client, application, decision, note="", version=None):
    return client.post(
        f"/admin/clinicians/application/{application.application_id}/decide/",
        {"decision": decision, "version": application.version if version is None else version, "note": note},
    )
