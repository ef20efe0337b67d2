"""When the audit event cannot be written, the PHI is not served: every page
that touches PHI answers 503, shows none of it, and the failure is logged."""

import logging

import pytest
from botocore.exceptions import EndpointConnectionError

from medisecure import aws
from tests.access_matrix import ROUTES
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PHI_ROUTES = [route for route in ROUTES if route.touches_phi]


@pytest.fixture
def audit_writes_fail():
    """Every TransactWriteItems (how audit events are written) fails at
    botocore's send boundary; reads still work."""
    client = aws.client("dynamodb")

    def refuse(request, **kwargs):
        if request.headers.get("X-Amz-Target", b"").endswith(b"TransactWriteItems"):
            raise EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register("before-send.dynamodb", refuse)
    yield
    client.meta.events.unregister("before-send.dynamodb", refuse)


@pytest.mark.parametrize("route", PHI_ROUTES, ids=lambda r: r.name)
def test_a_phi_page_is_not_served_when_its_audit_event_cannot_be_written(client, cast, route, caplog, request):
    actor = sorted(route.allowed)[0]
    sign_in(client, getattr(cast, actor).email)
    request.getfixturevalue("audit_writes_fail")

    with caplog.at_level(logging.ERROR, logger="audit.services"):
        response = client.get(route.url(cast))

    assert response.status_code == 503 and response["Retry-After"]
    body = response.content.decode()
    for phi in ("Jordan", "Example", "1985", "Riley", "patient@medisecure.test"):
        assert phi not in body
    assert f"audit write failed for {route.audit_action}" in caplog.text
    assert "Jordan" not in caplog.text
