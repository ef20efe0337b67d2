"""One JSON log line per request, which is also its EMF metrics.

The line names the route (its URL pattern's name, never the path: ids in
paths identify patients), the method, the status, the duration, the
DynamoDB round trips and consumed capacity, and the actor's role (never a
name or an email); the request id joins it to the request's other lines,
its audit events and its X-Ray trace (the load balancer's trace id is the
request id when it sends one)."""

from __future__ import annotations

import logging
import time

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
