"""The web shell's middleware: /healthz before the host check, and the one
place domain errors become pages."""

from __future__ import annotations

import logging

from audit.services import AuditWriteFailed
from medisecure import aws
from medisecure.errors import Forbidden, NotFound
from medisecure.middleware import protect
from portal import errors

logger = logging.getLogger(__name__)


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
            from portal.views import healthz

            request.route_name = "healthz"
            # The headers the middleware this answer skips would have added.
            response = protect(request, healthz(request))
            response["X-Frame-Options"] = "DENY"
            return response
        return self.get_response(request)


class DomainErrorMiddleware:
    """Turns what no view should handle itself into plain pages, the same for
    every room: NotFound (a record that is not there or not the actor's, a
    forged page token) is the 404 page, Forbidden the 403 page, each audited
    here unless the service audited it already; AWS unreachable or throttling
    past the retry budget, or an audit write failing, is a 503 with
    Retry-After (the action changed nothing and can be repeated)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            if exception.audited:
                request.audit_recorded = True
            return errors.page_not_found(request)
        if isinstance(exception, Forbidden):
            if not exception.audited:
                try:
                    errors.refusal_record(request, action="access.denied")
                except AuditWriteFailed:
                    logger.warning("a refused request could not be audited")
                    return errors.service_unavailable(request)
            return errors.permission_denied(request)
        if isinstance(exception, AuditWriteFailed) or aws.is_unavailable(exception):
            logger.warning("dependency failure: %s", type(exception).__name__)
            return errors.service_unavailable(request)
        return None
