"""/healthz and the error pages: plain, named failures; no stack trace, no PHI."""

import pytest
from botocore.exceptions import EndpointConnectionError

from medisecure import aws
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable():
    """Makes one AWS service unreachable at botocore's send boundary."""
    registered = []

    def make(service):
        client = aws.client(service)

        def refuse(request, **kwargs):
            raise EndpointConnectionError(endpoint_url=request.url)

        client.meta.events.register(f"before-send.{client.meta.service_model.service_id.hyphenize()}", refuse)
        registered.append((client, refuse))

    yield make
    for client, handler in registered:
        client.meta.events.unregister(
            f"before-send.{client.meta.service_model.service_id.hyphenize()}", handler
        )


def test_healthz_says_ok_when_every_dependency_answers(client, aws):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "dependencies": {"dynamodb": "ok", "cognito": "ok", "s3": "ok", "ses": "ok"},
    }


def test_healthz_answers_the_load_balancer_at_the_tasks_own_address(client, aws, settings):
    # The load balancer's health check is addressed to the task's private IP,
    # which is not one of the portal's host names.
    settings.ALLOWED_HOSTS = ["portal.clinic.example"]

    response = client.get("/healthz", HTTP_HOST="10.40.2.17:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"] == "no-store"


def test_every_other_page_still_refuses_a_foreign_host_name(client, aws, settings):
    settings.ALLOWED_HOSTS = ["portal.clinic.example"]

    assert client.get("/", HTTP_HOST="10.40.2.17:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="10.40.2.17:8000").status_code == 400
    assert client.get("/", HTTP_HOST="portal.clinic.example").status_code == 200


@pytest.mark.parametrize(
    "service,name", [("s3", "s3"), ("dynamodb", "dynamodb"), ("cognito-idp", "cognito"), ("sesv2", "ses")]
)
def test_healthz_names_the_dependency_that_failed(client, aws, unreachable, service, name):
    unreachable(service)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["dependencies"][name] == "unavailable"
    assert [key for key, value in body["dependencies"].items() if value != "ok"] == [name]


def test_a_missing_page_is_a_friendly_404(client, aws):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content and b"Traceback" not in response.content


def test_dynamodb_unreachable_gives_a_503_with_retry_after_and_no_phi(client, cast, unreachable):
    sign_in(client, cast.patient.email)
    unreachable("dynamodb")

    response = client.get("/patient/")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Traceback" not in body and "Jordan" not in body and response["X-Request-ID"] in body


@pytest.mark.urls("medisecure.tests.failing_urls")
def test_an_unexpected_error_shows_the_request_id_and_no_stack_trace(client, aws):
    client.raise_request_exception = False

    response = client.get("/explode/")

    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body
    assert "Traceback" not in body and "ZeroDivisionError" not in body
