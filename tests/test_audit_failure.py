"""When the audit event cannot be written, the PHI is not served: every page
in the access matrix that touches PHI (tests/access_matrix.py ROUTES, which
each feature extends), opened by a person allowed to open it, answers 503,
shows none of the cast's personal details, and logs the failure without
them. A new PHI route is covered by being in the matrix."""

import logging

import pytest
from botocore.exceptions import EndpointConnectionError

from medisecure.tables import AUDIT_LOGS, physical_name
from tests import faults
from tests.access_matrix import ROUTES
from tests.phi_markers import cast_patient_markers
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PHI_ROUTES = [route for route in ROUTES if route.touches_phi]


def test_the_matrix_declares_phi_routes():
    # Guards the parametrisation below against an empty or renamed flag.
    assert len(PHI_ROUTES) >= 3


@pytest.fixture
def audit_writes_fail():
    """Every write of an audit event (a TransactWriteItems naming the audit
    table, alone or with the PHI write it records) cannot reach DynamoDB;
    everything else still works."""
    audit_table = f'"{physical_name(AUDIT_LOGS)}"'

    def refuse(request, operation):
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        if operation == "TransactWriteItems" and audit_table in body:
            raise EndpointConnectionError(endpoint_url=request.url)

    with faults.at_send("dynamodb", refuse):
        yield


# Every allowed person: a page may show each of them something different.
CASES = [(route, actor) for route in PHI_ROUTES for actor in sorted(route.allowed)]


@pytest.mark.parametrize(
    "route,actor", CASES, ids=[f"{route.name}:{route.path}:{actor}" for route, actor in CASES]
)
def test_a_phi_page_is_not_served_when_its_audit_event_cannot_be_written(
    client, cast, route, actor, caplog, request
):
    sign_in(client, getattr(cast, actor).email)
    request.getfixturevalue("audit_writes_fail")

    with caplog.at_level(logging.INFO):
        response = client.get(route.url(cast))

    assert response.status_code == 503 and response["Retry-After"], (actor, route.name)
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Traceback" not in body
    assert {marker for marker in cast_patient_markers() if marker in body} == set(), (actor, route.name)
    assert f"audit write failed for {route.audit_action}" in caplog.text
    assert {marker for marker in cast_patient_markers() if marker in caplog.text} == set()


def test_the_markers_find_the_patient_on_their_own_pages_when_the_audit_works(client, cast):
    # Without this the body check above could pass by looking for the wrong strings.
    sign_in(client, cast.patient.email)

    body = client.get("/patient/profile/").content.decode()

    assert {"Jordan", "Example", "patient@medisecure.test"} <= {
        m for m in cast_patient_markers() if m in body
    }
