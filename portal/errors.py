"""Friendly error pages. They never show a stack trace or any PHI; the 500
page carries the request id so support can find the log line."""

import logging

from django.shortcuts import render

from audit.domain import DENIED
from audit.services import AuditWriteFailed, audit_record

logger = logging.getLogger(__name__)

NOT_FOUND_ID_LIMIT = 128


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    """Also answers ids that belong to someone else and refused page tokens,
    so the miss is audited; a 404 serves no PHI, so it is served even when
    that audit write fails (and the failure is logged)."""
    try:
        refusal_record(request, action="access.not_found")
    except AuditWriteFailed:
        logger.warning("a refused request could not be audited")
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(
        request,
        "errors/500.html",
        {"request_id": getattr(request, "request_id", "")},
        status=500,
    )


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def service_unavailable(request, *, retry_after: int = 30):
    response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = str(retry_after)
    return response


def refusal_record(request, *, action: str) -> None:
    """A signed-in person was refused a page (`access.not_found`: something
    that is not there, or not theirs, the two answer alike; `access.denied`:
    not for their role): one event naming the page and the identifiers asked
    for, unless the refusal was already audited where it was decided.
    Anonymous misses are not recorded (nothing to attribute)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "audit_recorded", False):
        return
    match = getattr(request, "resolver_match", None)
    asked = {}
    if action == "access.not_found":
        asked = {
            name: str(value)[:NOT_FOUND_ID_LIMIT] for name, value in (match.kwargs if match else {}).items()
        }
        if request.GET.get("page"):
            asked["page_token"] = (
                "refused"  # the token itself is opaque and long; that it was refused is the fact
            )
    audit_record(
        actor=request.actor,
        audit=request.audit,
        action=action,
        outcome=DENIED,
        resource_type="page",
        resource_id=(match.view_name if match else "unmatched")
        if action == "access.not_found"
        else _page(match),
        detail=asked,
    )
    request.audit_recorded = True


def _page(match) -> str:
    return match.view_name if match else ""
