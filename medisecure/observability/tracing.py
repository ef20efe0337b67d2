"""Traces of each request and the AWS calls it makes (OpenTelemetry).

One server span per request, from the Django instrumentation, and one
client span per AWS call under it, from the botocore instrumentation. In
AWS (`TRACES_EXPORTER=otlp`) they go over OTLP/HTTP to the task's collector
sidecar, which sends them to X-Ray; the ids are X-Ray's and the
X-Amzn-Trace-Id header carries the context. `console` prints them;
`none` (locally and in tests) instruments nothing, so a request pays
nothing for tracing.

Configured once per process by the WSGI entry (medisecure/wsgi.py) before
the middleware is loaded: gunicorn imports it in each worker, after the
fork, so each worker's exporter thread is its own.

What a span may say is decided in one place, `ScrubbingSpanExporter`,
between the span processor and every exporter `start` builds. It keeps an
allowlist of attributes, not a list of bad ones: the instrumentations
record the raw path, query string, full URL and client address, may be
told by an environment variable to record headers (the session cookie),
and a new release may add an attribute nobody has read. The hooks cannot
be the guard: they run beside the instrumentation's own writes, and a
span's exception event and status carry an error's message, which may
quote a key or a value. Scrubbing at export costs the request nothing (the
batch processor exports on its own thread)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Link, SpanKind, Status

from medisecure.observability import metrics
from medisecure.observability.requests import UNMATCHED, route_name

EXPORTERS = ("otlp", "console", "none")
SERVICE_NAME = f"medisecure-{metrics.SERVICE}"
DEFAULT_OTLP_ENDPOINT = "http://127.0.0.1:4318"
# Set by the Django instrumentation's response hook from the URL pattern's
# name (as the request's log line names it); the exporter makes it the
# server span's name and http.route, and drops the key itself.
ROUTE_ATTRIBUTE = "medisecure.route"
# The load balancer's health check every few seconds is not worth a trace.
EXCLUDED_URLS = "healthz"

# Every attribute a span may carry out of the process; all others are
# dropped. None names a person or a record: no path, query string, URL,
# client address, header, item key or value, S3 key or exception message.
KEPT_ATTRIBUTES = frozenset(
    {
        # The request: its method, status, scheme, protocol and browser.
        "http.method",
        "http.request.method",
        "http.status_code",
        "http.response.status_code",
        "http.scheme",
        "url.scheme",
        "http.flavor",
        "network.protocol.version",
        "http.user_agent",
        "user_agent.original",
        "error.type",
        # An AWS call: which service, operation, region and endpoint, its
        # request id (AWS support finds the call by it) and retries.
        "rpc.system",
        "rpc.service",
        "rpc.method",
        "cloud.region",
        "server.address",
        "server.port",
        "net.peer.name",
        "aws.request_id",
        "retry_attempts",
        # DynamoDB: table and index names, read options, counts and the
        # capacity consumed. Not item_collection_metrics (it holds the
        # partition key's value), not the projection or key conditions.
        "db.system",
        "db.operation",
        "aws.dynamodb.table_names",
        "aws.dynamodb.index_name",
        "aws.dynamodb.consistent_read",
        "aws.dynamodb.limit",
        "aws.dynamodb.select",
        "aws.dynamodb.scan_forward",
        "aws.dynamodb.count",
        "aws.dynamodb.scanned_count",
        "aws.dynamodb.consumed_capacity",
    }
)
# Of an exception event, only the exception's class: its message and
# stack trace may quote what was being read or written.
KEPT_EVENT_ATTRIBUTES = frozenset({"exception.type"})
# A name other than a server span's or an AWS call's is kept only when it
# reads like code ("medisecure.render"), never with digits or punctuation
# an id, an email or a path would bring.
_CODE_NAME = re.compile(r"^[A-Za-z_][A-Za-z_.]*$")
OTHER_SPAN = "span"

_lock = threading.Lock()
_provider: TracerProvider | None = None


def scrubbed(span: ReadableSpan) -> ReadableSpan:
    """`span` as it may leave the process: the allowlisted attributes, the
    route's name for a request, events and links without their details, the
    status without its description."""
    attributes = {key: value for key, value in (span.attributes or {}).items() if key in KEPT_ATTRIBUTES}
    route = (span.attributes or {}).get(ROUTE_ATTRIBUTE)
    if span.kind is SpanKind.SERVER or route is not None:
        name = route if isinstance(route, str) and route else UNMATCHED
        attributes["http.route"] = name
    elif attributes.get("rpc.system") == "aws-api":
        name = f"{attributes.get('rpc.service')}.{attributes.get('rpc.method')}"
    else:
        name = span.name if _CODE_NAME.match(span.name) else OTHER_SPAN
    events = [
        Event(
            event.name if _CODE_NAME.match(event.name) else OTHER_SPAN,
            {key: value for key, value in (event.attributes or {}).items() if key in KEPT_EVENT_ATTRIBUTES},
            event.timestamp,
        )
        for event in span.events
    ]
    return ReadableSpan(
        name=name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=attributes,
        events=events,
        links=[Link(link.context) for link in span.links],
        kind=span.kind,
        status=Status(span.status.status_code),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class ScrubbingSpanExporter(SpanExporter):
    """Hands `inner` only scrubbed spans (see the module's docstring)."""

    def __init__(self, inner: SpanExporter):
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([scrubbed(span) for span in spans])

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def _name_by_route(span, request, response) -> None:
    # The span's own name until export is the instrumentation's (the URL
    # pattern); what leaves the process is set by `scrubbed`.
    span.set_attribute(ROUTE_ATTRIBUTE, route_name(request))


def start(exporter: SpanExporter, *, id_generator=None, batch: bool = True) -> TracerProvider:
    """Instrument Django and botocore, sending spans through the scrubber
    to `exporter`; batched on their own thread unless `batch` is False (a
    test reads them as they end). The provider is this module's alone."""
    from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    global _provider
    with _lock:
        if _provider is not None:
            raise RuntimeError("tracing is already started in this process")
        provider = TracerProvider(
            resource=Resource.create({"service.name": SERVICE_NAME}),
            **({"id_generator": id_generator} if id_generator is not None else {}),
        )
        processor = BatchSpanProcessor if batch else SimpleSpanProcessor
        provider.add_span_processor(processor(ScrubbingSpanExporter(exporter)))
        DjangoInstrumentor().instrument(
            tracer_provider=provider, response_hook=_name_by_route, excluded_urls=EXCLUDED_URLS
        )
        BotocoreInstrumentor().instrument(tracer_provider=provider)
        _provider = provider
        return provider


def stop() -> None:
    """Undo `start`: the instrumentation removed, the spans left exported."""
    from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    global _provider
    with _lock:
        if _provider is None:
            return
        DjangoInstrumentor().uninstrument()
        BotocoreInstrumentor().uninstrument()
        _provider.shutdown()
        _provider = None


def configure() -> TracerProvider | None:
    """Start tracing as settings.TRACES_EXPORTER says (None for "none")."""
    from django.conf import settings

    choice = settings.TRACES_EXPORTER
    if choice == "none":
        return None
    from opentelemetry import propagate, trace

    id_generator = None
    if choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.propagators.aws import AwsXRayPropagator
        from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator

        exporter: SpanExporter = OTLPSpanExporter(
            endpoint=f"{settings.OTEL_EXPORTER_OTLP_ENDPOINT.rstrip('/')}/v1/traces"
        )
        # X-Ray takes only its own trace ids (the first 8 hex digits the
        # start time) and its own header; the botocore instrumentation
        # sends the same header to AWS.
        id_generator = AwsXRayIdGenerator()
        propagate.set_global_textmap(AwsXRayPropagator())
    else:
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporter = ConsoleSpanExporter()
    provider = start(exporter, id_generator=id_generator)
    trace.set_tracer_provider(provider)
    return provider
