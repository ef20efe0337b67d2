"""Every page × an allowed and a refused person: exactly the one audit event
the page declares in the access matrix, with the right action, actor,
patient and outcome. A page added without auditing cannot pass."""

import pytest
from django.conf import settings

from audit import repository
from audit.domain import SearchFilters
from tests.access_matrix import ACTORS, ANONYMOUS, ROUTES
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _all_events():
    return list(repository.search_all(SearchFilters(), org_id=settings.CLINIC_ID))


def _events_written_by(request_fn):
    before = {event.event_id for event in _all_events()}
    response = request_fn()
    return response, [event for event in _all_events() if event.event_id not in before]


def _someone_refused(route):
    refused = [
        actor for actor in ACTORS if actor != ANONYMOUS and actor not in route.allowed | route.not_found
    ]
    return refused[0] if refused else None


@pytest.mark.parametrize("route", [r for r in ROUTES if r.allowed != frozenset(ACTORS)], ids=lambda r: r.name)
def test_an_allowed_request_writes_exactly_the_declared_event(client, cast, route):
    actor = sorted(route.allowed - {ANONYMOUS})[0]
    person = getattr(cast, actor)
    sign_in(client, person.email)

    response, events = _events_written_by(lambda: client.get(route.url(cast)))

    assert response.status_code == route.ok_status
    if route.audit_action is None:
        assert events == []
        return
    assert [(e.action, e.outcome, e.user_id, e.role) for e in events] == [
        (route.audit_action, route.audit_outcome, person.sub, person.role.value)
    ]
    assert events[0].patient_id == route.audited_patient(person, cast)
    assert events[0].request_id == response["X-Request-ID"]


@pytest.mark.parametrize("route", [r for r in ROUTES if _someone_refused(r)], ids=lambda r: r.name)
def test_a_refused_request_writes_exactly_one_denial(client, cast, route):
    person = getattr(cast, _someone_refused(route))
    sign_in(client, person.email)

    response, events = _events_written_by(lambda: client.get(route.url(cast)))

    assert response.status_code == 403
    assert [(e.action, e.outcome, e.user_id, e.patient_id) for e in events] == [
        ("access.denied", "denied", person.sub, "")
    ]


# A finish link that names no sign-up is a refused attempt, and every
# refusal is audited (signup.link.opened, denied): the one public address
# that writes.
REFUSALS_AT_PUBLIC_ADDRESSES = {"signup:finish"}


def test_a_public_page_writes_nothing_for_anyone(client, aws):
    for route in ROUTES:
        if route.allowed == frozenset(ACTORS) and route.name not in REFUSALS_AT_PUBLIC_ADDRESSES:
            _, events = _events_written_by(lambda: client.get(route.path))
            assert events == [], route.name


def test_a_finish_link_that_names_no_sign_up_is_audited_as_refused(client, aws):
    (route,) = [route for route in ROUTES if route.name in REFUSALS_AT_PUBLIC_ADDRESSES]
    _, events = _events_written_by(lambda: client.get(route.path))

    assert [(e.action, e.outcome) for e in events] == [("signup.link.opened", "denied")]
