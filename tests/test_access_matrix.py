"""Every page × every kind of person: who gets through, who is sent to sign
in, who is refused; and the headers and cookies every page carries."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from audit import repository as audit_log
from tests.access_matrix import ACTORS, ANONYMOUS, FLOW_ROUTES, ROUTES
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _named_routes(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                continue  # the admin's own pages share one rule: AdminSite.has_permission
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_route_is_in_the_matrix():
    covered = {route.name for route in ROUTES} | set(FLOW_ROUTES)
    portal_admin_pages = {f"admin:{pattern.name}" for pattern in admin.site.portal_urls()}

    assert (set(_named_routes()) | portal_admin_pages) - covered == set()


def _assert_protective_headers(response, path):
    assert response["Cache-Control"] == "no-store", path
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, path
    assert "script-src 'self'" in policy, path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["X-Content-Type-Options"] == "nosniff", path


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(client, cast, actor):
    if actor != ANONYMOUS:
        sign_in(client, getattr(cast, actor).email)
        session_cookie = client.cookies["medisecure_session"]
        assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"

    outcomes = {}
    for route in ROUTES:
        response = client.get(route.url(cast))
        outcomes[route.path] = response.status_code
        if actor in route.allowed:
            assert response.status_code == route.ok_status, (actor, route.path, response.status_code)
        elif actor in route.not_found:
            assert response.status_code == 404, (actor, route.path, response.status_code)
        elif actor == ANONYMOUS:
            assert response.status_code == 302, route.path
            assert "/oidc/authenticate/" in response["Location"] or "/admin/login/" in response["Location"]
        else:
            assert response.status_code == 403, (actor, route.path, response.status_code)
        _assert_protective_headers(response, route.path)


def test_a_refused_page_is_audited_as_denied(client, cast):
    sign_in(client, cast.patient.email)

    assert client.get("/doctor/").status_code == 403

    events, _ = audit_log.list_by("userId", cast.patient.sub)
    assert ("access.denied", "denied", "appointments:doctor_home") in [
        (event.action, event.outcome, event.resource_id) for event in events
    ]


@pytest.mark.urls("tests.unruled_urls")
def test_a_view_without_an_access_rule_is_unreachable_even_for_an_admin(client, django_user_model):
    assert client.get("/unruled/").status_code == 404
    client.force_login(django_user_model.objects.create(username="admin-sub", role="admin", is_staff=True))

    assert client.get("/unruled/").status_code == 404
