"""Friendly error pages. They never show a stack trace or any PHI; the 500
page carries the request id so support can find the log line."""

import logging

from django.shortcuts import render

from audit.repository import AuditWriteFailed
from audit.services import audit_not_found

logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    """Also answers ids that belong to someone else and refused page tokens,
    so the miss is audited; a 404 serves no PHI, so it is served even when
    that audit write fails (and the failure is logged)."""
    try:
        audit_not_found(request=request)
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


def too_many_attempts_message(retry_after_seconds: int) -> str:
    minutes = max(1, -(-retry_after_seconds // 60))
    wait = "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"Too many attempts from your network in a short time. Nothing was saved or sent. Please try again in {wait}."


def too_many_attempts(response, *, retry_after_seconds: int):
    """Marks a form page re-rendered with the rate limit's message as 429."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after_seconds)
    return response
