"""Hostile input for the property-based tests: what an attacker (or a
broken client) can put in a form, and a record of everything a request
stored, taken where the portal meets AWS.

Example counts come from a hypothesis settings profile so the suite stays
fast: `medisecure` (the default) runs a couple of dozen examples per form;
HYPOTHESIS_PROFILE=thorough runs many more."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from medisecure import aws, dynamo
from medisecure.tables import AUDIT_LOGS
from tests import faults
from tests.form_registry import Upload

# The cast and the signed-in client are made once per test, not per example:
# examples share them, as requests from one person share a session.
_SHARED = dict(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
settings.register_profile("medisecure", max_examples=20, **_SHARED)
settings.register_profile("thorough", max_examples=300, **_SHARED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "medisecure"))

# --- Values --------------------------------------------------------------------

# Values with a type the field does not expect, as they arrive over HTTP.
WRONG_TYPES = (
    "-1",
    "0",
    "1e999",
    "NaN",
    "-0",
    "0x10",
    "999999999999999999999999",
    "[]",
    "{}",
    "null",
    "true",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "../../../etc/passwd",
    "%00",
    "\x00",
    " ",
    "",
    "<script>alert(1)</script>",
    "{{ request }}",
    "' OR '1'='1",
    "=cmd|' /C calc'!A0",
)

CONTROL_CHARACTERS = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"])

hostile_text = st.one_of(
    st.text(max_size=40),  # any unicode (no lone surrogates: HTTP cannot carry them)
    st.text(CONTROL_CHARACTERS, min_size=1, max_size=8),
    st.builds(
        lambda text, control: text + control + text,
        st.text(max_size=10),
        st.text(CONTROL_CHARACTERS, min_size=1, max_size=2),
    ),
    # very long: past every max_length, but under Django's request body cap
    st.builds(
        lambda character, count: character * count,
        st.characters(exclude_categories=["Cs"]),
        st.integers(300, 20_000),
    ),
    st.sampled_from(WRONG_TYPES),
)

hostile_upload = st.one_of(
    st.builds(
        Upload,
        st.sampled_from(
            ["licence.pdf", "a.exe", "licence.pdf.html", "r\u00e9sum\u00e9 \u202egpj.pdf", "x" * 300 + ".pdf"]
        ),
        st.binary(max_size=64),
    ),
    st.just(Upload("licence.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")),
    st.just(Upload("licence.pdf", b"", "application/pdf")),
)


@st.composite
def hostile_submissions(draw, baseline: dict) -> dict:
    """The baseline with at least one field changed, dropped, duplicated or
    given another type, sometimes with fields it never asked for."""
    values = dict(baseline)
    names = sorted(values)
    chosen = (
        draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)) if names else []
    )
    for name in chosen:
        how = draw(st.sampled_from(["replace", "drop", "duplicate", "retype"]))
        if how == "drop":
            del values[name]
        elif how == "duplicate":
            values[name] = [values[name], draw(hostile_text)]
        elif how == "retype":
            # a file where text is expected, text where a file is
            values[name] = draw(hostile_text) if isinstance(values[name], Upload) else draw(hostile_upload)
        else:
            values[name] = draw(hostile_upload) if isinstance(values[name], Upload) else draw(hostile_text)
    if draw(st.booleans()) and draw(st.booleans()):
        values[draw(st.text(min_size=1, max_size=20))] = draw(hostile_text)
    return values


# Raw request bodies: not even valid form encoding or UTF-8.
raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda name, value: f"{name}={value}".encode("latin-1", "replace"),
        st.text(max_size=10),
        st.text(max_size=30),
    ),
    st.just(b"%ZZ=%%&&==&a=%C3%28&b=%ED%A0%80"),
)


# --- What a request stored --------------------------------------------------------

_DYNAMODB_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_READ_PREFIXES = ("Get", "List", "Describe", "AdminGet", "AdminList", "InitiateAuth", "AdminInitiateAuth")


@dataclass
class Stored:
    """Every write a request made: DynamoDB items outside the audit trail,
    Cognito changes, mail sent, objects put in the documents bucket."""

    writes: list = field(default_factory=list)

    def clear(self) -> None:
        self.writes.clear()


def _tables_written(operation: str, body: dict) -> set[str]:
    if operation == "BatchWriteItem":
        return set(body.get("RequestItems", {}))
    if operation == "TransactWriteItems":
        return {entry["TableName"] for item in body.get("TransactItems", []) for entry in item.values()}
    return {body.get("TableName", "")}


@contextlib.contextmanager
def recording_writes():
    stored = Stored()
    audit_table = dynamo.name(AUDIT_LOGS)

    def dynamodb(request, operation):
        if operation in _DYNAMODB_WRITES:
            body = json.loads(request.body or b"{}")
            tables = _tables_written(operation, body) - {audit_table}
            if tables:
                stored.writes.append(("dynamodb", operation, sorted(tables)))

    def other(service):
        def hook(request, operation):
            if not operation.startswith(_READ_PREFIXES):
                stored.writes.append((service, operation, []))

        return hook

    with contextlib.ExitStack() as stack:
        stack.enter_context(faults.at_send("dynamodb", dynamodb))
        stack.enter_context(faults.at_send("cognito-idp", other("cognito-idp")))
        stack.enter_context(faults.at_send("sesv2", other("sesv2")))
        yield stored


def bucket_keys() -> set[str]:
    """The documents bucket's keys (uploads go through django-storages' own
    client, so the bucket is compared rather than the sends counted)."""
    listing = aws.client("s3").list_objects_v2(Bucket=django_settings.DOCUMENTS_BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}
