"""Every form of tests/form_registry.py, fed hostile input by hypothesis:
arbitrary unicode, control characters, very long strings, wrong types,
missing, duplicated and unexpected fields, and bodies that are not form
encoding at all. The answer is always the page with its field errors or a
redirect, never a server error; and a submission the form refuses stores
nothing (no DynamoDB item outside the audit trail, no Cognito change, no
mail, no object in the documents bucket)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory
from hypothesis import given

from tests.access_matrix import ANONYMOUS
from tests.form_registry import TARGETS, Setup, Upload, materialize
from tests.hostile import bucket_keys, hostile_submissions, raw_bodies, recording_writes
from tests.support import sign_in

pytestmark = pytest.mark.django_db

ERROR_MARKERS = (
    'role="alert"',
    'class="error-text"',
    "errorlist",
    "errornote",
    "message-error",
    "message-warning",
)


def _prepared(target, client, cast) -> Setup:
    if target.actor != ANONYMOUS:
        sign_in(client, getattr(cast, target.actor).email)
    setup = Setup(cast=cast, client=client)
    if target.prepare:
        target.prepare(setup)
    return setup


def _as_sent(target, values: dict) -> dict:
    if target.method == "GET":  # a query string carries no files: only a name
        return {key: _named(value) for key, value in values.items()}
    return materialize(values)


def _named(value):
    if isinstance(value, Upload):
        return value.name
    if isinstance(value, list):
        return [_named(item) for item in value]
    return value


def _form_accepts(target, path: str, values: dict) -> bool:
    """What the page's own form makes of these values, as Django parses them."""
    if target.form is None:
        return True
    factory = RequestFactory()
    if target.method == "GET":
        return target.form(factory.get(path, _as_sent(target, values)).GET).is_valid()
    request = factory.post(path, _as_sent(target, values))
    return target.form(request.POST, request.FILES).is_valid()


def _raw_body_accepted(target, path: str, body: bytes) -> bool:
    request = RequestFactory().post(path, body, content_type="application/x-www-form-urlencoded")
    try:
        return target.form(request.POST, request.FILES).is_valid()
    except Exception:  # a body Django cannot parse is refused before any form
        return False


def _send(client, target, path: str, values: dict):
    if target.method == "GET":
        return client.get(path, _as_sent(target, values))
    return client.post(path, _as_sent(target, values))


def _assert_answer(target, response, *, accepted: bool, stored, keys_before: set) -> None:
    assert response.status_code in target.statuses, (target.id, response.status_code)
    if accepted:
        return
    assert stored.writes == [], (target.id, stored.writes)
    assert bucket_keys() == keys_before, target.id
    if response.status_code in (200, 400) and target.method == "POST" and target.form is not None:
        page = response.content.decode()
        assert any(marker in page for marker in ERROR_MARKERS), target.id


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.id)
def test_it_answers_hostile_input_with_field_errors_or_a_redirect_and_stores_nothing(target, client, cast):
    setup = _prepared(target, client, cast)
    baseline, path = target.baseline(setup), target.path(setup)
    # A baseline the form refused would make every example trivially refused.
    assert _form_accepts(target, path, baseline), target.id
    keys = {"before": bucket_keys()}

    @given(values=hostile_submissions(baseline))
    def submit(values):
        accepted = _form_accepts(target, path, values)
        with recording_writes() as stored:
            response = _send(client, target, path, values)
        _assert_answer(target, response, accepted=accepted, stored=stored, keys_before=keys["before"])
        if accepted:
            keys["before"] = bucket_keys()

    submit()


@pytest.mark.parametrize("target", [t for t in TARGETS if t.method == "POST"], ids=lambda target: target.id)
def test_it_answers_a_body_that_is_not_form_encoding_without_storing_anything(target, client, cast):
    setup = _prepared(target, client, cast)
    path = target.path(setup)
    keys_before = bucket_keys()

    @given(body=raw_bodies)
    def submit(body):
        with recording_writes() as stored:
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in target.statuses | {400}, (target.id, response.status_code)
        # A body the form accepts as it parses (an empty one, where every
        # field may be left out) is a real submission and may store.
        if target.form is not None and not _raw_body_accepted(target, path, body):
            assert stored.writes == [], (target.id, stored.writes)
            assert bucket_keys() == keys_before

    submit()


# The calendar's ends: a day that, moved into the clinic's zone or a week
# further on, leaves the years Python can hold.
EXTREME_DAYS = ("9999-12-31", "0001-01-01")


def _day_fields(target) -> list[str]:
    if target.form is None:
        return []
    return sorted(
        name for name, field in target.form.base_fields.items() if isinstance(field, forms.DateField)
    )


DAY_CASES = [(target, name) for target in TARGETS for name in _day_fields(target)]


@pytest.mark.parametrize(
    ("target", "field_name"), DAY_CASES, ids=[f"{target.id} {name}" for target, name in DAY_CASES]
)
def test_it_answers_a_day_at_either_end_of_the_calendar_with_a_field_error(target, field_name, client, cast):
    setup = _prepared(target, client, cast)
    baseline, path = target.baseline(setup), target.path(setup)
    keys_before = bucket_keys()
    others = [name for name in _day_fields(target) if name != field_name]
    alone = {name: value for name, value in baseline.items() if name not in others}
    # With the other days as given, and without them (a form may count them from this one).
    for values in [{**base, field_name: day} for base in (baseline, alone) for day in EXTREME_DAYS]:
        with recording_writes() as stored:
            response = _send(client, target, path, values)
        assert not _form_accepts(target, path, values), (target.id, values)
        _assert_answer(target, response, accepted=False, stored=stored, keys_before=keys_before)
