"""A NotFound or Forbidden that reaches the web shell becomes the 404 or
403 page and is audited exactly once: by the middleware when nothing
audited it (the generic access.* event), not again when the service
audited its own refusal and said so (`audited=True`)."""

from __future__ import annotations

import pytest

from audit import repository as audit_log
from tests.support import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.architecture.domain_error_urls")]


def _refusals(sub: str) -> list[tuple[str, str, str, str, dict]]:
    events, _ = audit_log.list_by("userId", sub)
    return [
        (event.action, event.outcome, event.resource_type, event.resource_id, event.detail)
        for event in events
        if event.action != "auth.sign_in"
    ]


def test_an_unaudited_not_found_is_the_404_page_audited_once(client, cast):
    sign_in(client, cast.patient.email)

    response = client.get("/refuse/not-found/t-1/")

    assert response.status_code == 404 and b"Page not found" in response.content
    assert _refusals(cast.patient.sub) == [
        ("access.not_found", "denied", "page", "test_not_found", {"thing_id": "t-1"})
    ]


def test_an_unaudited_forbidden_is_the_403_page_audited_once(client, cast):
    sign_in(client, cast.patient.email)

    response = client.get("/refuse/forbidden/t-1/")

    assert response.status_code == 403
    assert _refusals(cast.patient.sub) == [("access.denied", "denied", "page", "test_forbidden", {})]


@pytest.mark.parametrize(
    "page,status", [("not-found-audited", 404), ("forbidden-audited", 403)], ids=["not_found", "forbidden"]
)
def test_a_refusal_the_service_audited_is_not_audited_again(client, cast, page, status):
    sign_in(client, cast.patient.email)

    response = client.get(f"/refuse/{page}/t-1/")

    assert response.status_code == status
    assert _refusals(cast.patient.sub) == [("test.thing.read", "denied", "thing", "t-1", {})]
