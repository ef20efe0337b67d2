"""Four tiny pages that refuse, for test_domain_errors_are_audited_once: a
NotFound and a Forbidden raised as they are, and each raised again after
the page recorded its own refusal (`audited=True`), as a room's access
helper does."""

from django.urls import path

from audit.domain import DENIED
from audit.services import audit_record
from medisecure.errors import Forbidden, NotFound
from medisecure.identity.access import signed_in
from portal.urls import urlpatterns as portal_urlpatterns


def _refusal_recorded(request, thing_id: str) -> None:
    audit_record(
        actor=request.actor,
        audit=request.audit,
        action="test.thing.read",
        outcome=DENIED,
        resource_type="thing",
        resource_id=thing_id,
    )


@signed_in
def not_found(request, thing_id: str):
    raise NotFound(thing_id)


@signed_in
def not_found_audited(request, thing_id: str):
    _refusal_recorded(request, thing_id)
    raise NotFound(thing_id, audited=True)


@signed_in
def forbidden(request, thing_id: str):
    raise Forbidden(thing_id)


@signed_in
def forbidden_audited(request, thing_id: str):
    _refusal_recorded(request, thing_id)
    raise Forbidden(thing_id, audited=True)


urlpatterns = [
    *portal_urlpatterns,
    path("refuse/not-found/<str:thing_id>/", not_found, name="test_not_found"),
    path("refuse/not-found-audited/<str:thing_id>/", not_found_audited, name="test_not_found_audited"),
    path("refuse/forbidden/<str:thing_id>/", forbidden, name="test_forbidden"),
    path("refuse/forbidden-audited/<str:thing_id>/", forbidden_audited, name="test_forbidden_audited"),
]
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
