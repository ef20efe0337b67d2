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


class HealthCheckMiddleware:
    """Answers GET /healthz before Django validates the Host header.

    The load balancer addresses its health check to the container's private
    IP, which is not among ALLOWED_HOSTS (and cannot be: it changes with every
    task). Only this one path skips the host check, and it says nothing but
    whether each dependency answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method == "GET":
            from medisecure.views import healthz

            # The headers the middleware this answer skips would have added.
            response = protect(request, healthz(request))
            response["X-Frame-Options"] = "DENY"
            return response
        return self.get_response(request)


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


def client_ip(request) -> str:
    """The client's address. Behind the load balancer the right-most
    X-Forwarded-For entry is the one it added; earlier entries are whatever
    the client claimed and are not trusted."""
    if settings.IS_PRODUCTION:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class ServiceErrorMiddleware:
    """Turns failures no view should handle itself into plain pages: a forged
    pagination token is a 404; AWS being unreachable or throttling past the
    retry budget, or an audit write failing, is a 503 with Retry-After (the
    action changed nothing and can be repeated)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from botocore.exceptions import BotoCoreError, ClientError

        from audit.repository import AuditWriteFailed
        from medisecure import errors
        from medisecure.dynamo import InvalidPageToken

        if isinstance(exception, InvalidPageToken):
            return errors.page_not_found(request)
        if isinstance(exception, (AuditWriteFailed, BotoCoreError)) or (
            isinstance(exception, ClientError) and _is_transient(exception)
        ):
            logging.getLogger(__name__).warning("dependency failure: %s", type(exception).__name__)
            return errors.service_unavailable(request)
        return None


_TRANSIENT_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TooManyRequestsException",
    "TransactionInProgressException",
}


def _is_transient(error) -> bool:
    return error.response.get("Error", {}).get("Code") in _TRANSIENT_CODES
