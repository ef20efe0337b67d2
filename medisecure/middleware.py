"""Request id, security headers and the client address, for every response."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.conf import settings

_request_id = contextvars.ContextVar("request_id", default="-")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id that reaches logs, audit events, the 500 page
    and the `X-Request-ID` response header. A well-formed id from the load
    balancer is kept so traces line up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_AMZN_TRACE_ID", "").rsplit("=", 1)[-1]
        request.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class SecurityHeadersMiddleware:
    """No page is ever cached (PHI must not outlive the session in a shared
    browser), and a strict Content-Security-Policy allows no inline script,
    no framing and form posts only to us and the sign-in service."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return protect(request, self.get_response(request))


def protect(request, response):
    if not request.path.startswith(settings.STATIC_URL):
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
    response.setdefault("Content-Security-Policy", content_security_policy())
    response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def content_security_policy() -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            # Chromium applies form-action to the redirect after a post too:
            # signing out posts to us and lands on the sign-in service.
            f"form-action 'self' {settings.COGNITO_HOSTED_UI_URL}",
        )
    )
