"""Admins find and read applications in the Django admin: status filter,
search by email or name, newest first, signed page tokens, one DynamoDB
round trip a page, every view of an application and its scan audited."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client

from audit import repository as audit_log
from clinicians.applications.domain import REJECT
from clinicians.tests.support import PDF, submitted
from tests.support import sign_in

pytestmark = pytest.mark.django_db

LIST = "/admin/clinicians/application/"


def _references(response):
    return [application.application_id for application in response.context["listing"].applications]


def _reject(client, application, note="The licence could not be verified."):
    return client.post(
        f"{LIST}{application.application_id}/decide/",
        {"decision": REJECT, "version": application.version, "note": note},
    )


def test_the_admin_index_lists_clinician_applications(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert f'href="{LIST}"' in page and "Clinician applications" in page


def test_the_list_shows_pending_applications_newest_first(admin_client):
    first, second, third = (submitted(f"applicant{n}@example.com") for n in range(3))

    response = admin_client.get(LIST)

    assert response.status_code == 200
    assert _references(response) == [third.application_id, second.application_id, first.application_id]
    page = response.content.decode()
    assert "applicant1@example.com" in page and 'class="breadcrumbs"' in page


def test_the_status_filter_lists_each_status_through_its_index(admin_client):
    kept, rejected = submitted("kept@example.com"), submitted("rejected@example.com")
    _reject(admin_client, rejected)

    assert _references(admin_client.get(LIST)) == [kept.application_id]
    assert _references(admin_client.get(LIST, {"status": "rejected"})) == [rejected.application_id]
    assert _references(admin_client.get(LIST, {"status": "approved"})) == []


def test_it_searches_by_email_whatever_the_case(admin_client):
    wanted = submitted("wanted@example.com")
    submitted("someone.else@example.com")

    response = admin_client.get(LIST, {"q": " Wanted@Example.COM "})

    assert _references(response) == [wanted.application_id]
    assert response.context["listing"].searched_by == "email"


def test_it_searches_by_part_of_a_name(admin_client):
    wanted = submitted("morgan@example.com", given_name="Morgan", family_name="Okafor-Lindqvist")
    submitted("other@example.com", given_name="Robin", family_name="Other")

    assert _references(admin_client.get(LIST, {"q": "lindq"})) == [wanted.application_id]
    assert _references(admin_client.get(LIST, {"q": "morgan okafor"})) == [wanted.application_id]
    assert _references(admin_client.get(LIST, {"q": "nobody"})) == []


def test_an_email_search_stays_within_the_chosen_status(admin_client):
    application = submitted("changed@example.com")
    _reject(admin_client, application)

    assert _references(admin_client.get(LIST, {"q": "changed@example.com"})) == []
    found = admin_client.get(LIST, {"q": "changed@example.com", "status": "rejected"})
    assert _references(found) == [application.application_id]


def test_it_pages_with_signed_tokens_and_refuses_a_forged_one(admin_client):
    made = [submitted(f"applicant{n:02}@example.com").application_id for n in range(27)]

    first = admin_client.get(LIST)
    token = first.context["listing"].next_page
    second = admin_client.get(LIST, {"page": token})

    assert _references(first) + _references(second) == list(reversed(made))
    assert len(_references(first)) == 25 and second.context["listing"].next_page is None
    assert "Next page" in first.content.decode()
    assert admin_client.get(LIST, {"page": token[:-3] + "xyz"}).status_code == 404
    # A token for one status's list is refused for another's.
    assert admin_client.get(LIST, {"page": token, "status": "rejected"}).status_code == 404


@pytest.mark.parametrize("count", [2, 30])
def test_a_list_page_costs_one_round_trip_whatever_the_table_holds(admin_client, dynamodb_calls, count):
    for n in range(count):
        submitted(f"applicant{n:02}@example.com", given_name="Jamie" if n % 2 else "Alex")
    dynamodb_calls.clear()

    first = admin_client.get(LIST)
    assert dynamodb_calls == {"Query": 1}
    if first.context["listing"].next_page:
        dynamodb_calls.clear()
        admin_client.get(LIST, {"page": first.context["listing"].next_page})
        assert dynamodb_calls == {"Query": 1}
    for search in ("applicant01@example.com", "jamie"):
        dynamodb_calls.clear()
        assert admin_client.get(LIST, {"q": search}).status_code == 200
        assert dynamodb_calls == {"Query": 1}
    # The budget is two round trips a page; the list needs one.
    assert sum(dynamodb_calls.values()) <= 2


def test_the_detail_page_shows_every_field_and_is_audited(admin_client, cast):
    application = submitted()

    response = admin_client.get(f"{LIST}{application.application_id}/")

    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Avery",
        "Applicant",
        "avery.applicant@example.com",
        "+1 212 555 0123",
        "Cardiology",
        "MD-204518",
        "New York",
        "1234567893",
        "eight years",
        application.application_id,
        "Pending",
    ):
        assert shown in page, shown
    assert f'href="{LIST}{application.application_id}/licence-scan/"' in page
    assert "X-Amz-Signature" not in page  # the presigned link is issued only when opened
    events, _ = audit_log.list_by("action", "clinician_application.view")
    assert [(e.user_id, e.role, e.resource_id) for e in events] == [
        (cast.admin.sub, "admin", application.application_id)
    ]


@pytest.mark.parametrize("reference", ["CA-0000-0000-0000-0000", "not-a-reference", "CA-ILOU-0000-0000-0000"])
def test_an_unknown_application_is_a_404(admin_client, reference):
    assert admin_client.get(f"{LIST}{reference}/").status_code == 404
    assert admin_client.get(f"{LIST}{reference}/licence-scan/").status_code == 404


def test_the_scan_link_is_presigned_for_minutes_after_the_check_and_audited(admin_client, cast):
    application = submitted()

    response = admin_client.get(f"{LIST}{application.application_id}/licence-scan/")

    assert response.status_code == 302 and response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    url = response["Location"]
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    assert application.scan.key in urlparse(url).path
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    disposition = fetched.headers["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and f"licence-scan-{application.application_id}.pdf" in disposition
    )
    events, _ = audit_log.list_by("action", "clinician_application.scan_view")
    assert [(e.user_id, e.resource_id) for e in events] == [(cast.admin.sub, application.application_id)]


@pytest.mark.parametrize("who", ["doctor", "patient", "marketer"])
def test_no_one_but_an_admin_gets_the_scan_link(cast, aws, who):
    application = submitted()
    client = Client()
    sign_in(client, getattr(cast, who).email)

    response = client.get(f"{LIST}{application.application_id}/licence-scan/")

    assert response.status_code == 403 and "Location" not in response
    assert audit_log.list_by("action", "clinician_application.scan_view")[0] == []
    assert ("access.denied", "denied") in [
        (e.action, e.outcome) for e in audit_log.list_by("userId", getattr(cast, who).sub)[0]
    ]


def test_someone_signed_out_is_sent_to_sign_in_for_an_application(client, aws):
    application = submitted()

    response = client.get(f"{LIST}{application.application_id}/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
