"""One JSON log line per request, which is also its EMF metrics.

The line names the route (its URL pattern's name, never the path: ids in
paths identify patients), the method, the status, the duration, the
DynamoDB round trips and consumed capacity, and the actor's role (never a
name or an email); the request id joins it to the request's other lines,
its audit events and the load balancer's log (the load balancer's trace id
is the request id when it sends one); `trace_id`, when tracing is on
(medisecure/observability/tracing.py), is the X-Ray trace of the request
and its AWS calls."""

from __future__ import annotations

import logging
import time

from opentelemetry import trace

from medisecure.observability import dynamodb, metrics

logger = logging.getLogger("medisecure.requests")
UNMATCHED = "unmatched"


def route_name(request) -> str:
    """The URL pattern's name; what answered before URL resolution (the
    health check) names itself in `request.route_name`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return getattr(request, "route_name", None) or UNMATCHED
    return match.view_name or UNMATCHED


def trace_id() -> str | None:
    """The current trace's id as X-Ray writes it (1-<8 hex>-<24 hex>: the
    AWS id generator puts the start time in the first 8), None when nothing
    is being traced."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    digits = format(context.trace_id, "032x")
    return f"1-{digits[:8]}-{digits[8:]}"


def role_of(request) -> str:
    actor = getattr(request, "actor", None)
    return getattr(actor, "role", None) or "anonymous"


class RequestLogMiddleware:
    """Placed right after RequestIdMiddleware: it times everything after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        tally, token = dynamodb.start()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            dynamodb.stop(token)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            self._log(request, status, duration_ms, tally)

    def _log(self, request, status: int, duration_ms: float, tally: dynamodb.Tally) -> None:
        route = route_name(request)
        status_class = f"{status // 100}xx"
        line = {
            "route": route,
            "method": request.method,
            "status": status,
            "duration_ms": duration_ms,
            "dynamodb_round_trips": tally.round_trips,
            "dynamodb_consumed_capacity": round(tally.consumed_capacity, 2),
            "dynamodb_throttles": tally.throttles,
            "role": role_of(request),
        }
        traced = trace_id()
        if traced:
            line["trace_id"] = traced
        document = metrics.emf(
            {
                metrics.REQUESTS: (1, "Count"),
                metrics.LATENCY: (duration_ms, "Milliseconds"),
                metrics.ROUND_TRIPS: (tally.round_trips, "Count"),
                metrics.CONSUMED_CAPACITY: (round(tally.consumed_capacity, 2), "Count"),
            },
            {"Service": metrics.SERVICE, "Route": route, "StatusClass": status_class},
            [["Service"], ["Service", "StatusClass"], ["Service", "Route"]],
        )
        logger.info("request", extra={**line, "emf": document})
