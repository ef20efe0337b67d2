"""The portal's traces, read as they leave the process (an in-memory
exporter behind the same scrubber as the OTLP one): a request is one
server span named by its route with its DynamoDB calls under it, and no
span says a patient's id, name or email, or the path that was asked for."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from medisecure import aws as aws_clients
from medisecure.observability import tracing
from tests import phi_markers
from tests.support import sign_in

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS_KEYS = {"net.peer.ip", "client.address", "http.client_ip", "net.sock.peer.addr"}


@pytest.fixture
def exported(settings):
    """What the portal's tracing exports while the test runs. Asks for
    `settings` so it is torn down first: the Django instrumentation puts its
    middleware into settings.MIDDLEWARE and takes it out again."""
    exporter = InMemorySpanExporter()
    tracing.start(exporter, batch=False)
    yield exporter
    tracing.stop()


def everything_said(span) -> list[str]:
    """Every string a span carries out: its name, attribute keys and
    values, events, links and status."""
    said = [span.name, span.status.description or ""]
    for key, value in (span.attributes or {}).items():
        said += [key, json.dumps(value, default=str)]
    for event in span.events:
        said.append(event.name)
        for key, value in (event.attributes or {}).items():
            said += [key, json.dumps(value, default=str)]
    for link in span.links:
        said += [json.dumps(dict(link.attributes or {}), default=str)]
    return said


def leaks(spans, markers) -> list[tuple[str, str]]:
    return [
        (span.name, text) for span in spans for text in everything_said(span) for m in markers if m in text
    ]


def test_a_chart_request_is_one_server_span_named_by_its_route_with_its_dynamodb_calls_under_it(
    client, cast, exported
):
    sign_in(client, cast.doctor.email)
    exported.clear()
    path = f"/doctor/patients/{cast.patient.sub}/"

    response = client.get(path, {"q": cast.patient.email}, HTTP_USER_AGENT="Mozilla/5.0 (tests)")

    assert response.status_code == 200
    spans = exported.get_finished_spans()
    (server,) = [span for span in spans if span.kind is SpanKind.SERVER]
    assert server.name == "chart:chart"
    assert server.attributes["http.route"] == "chart:chart"
    assert server.attributes["http.method"] == "GET" and server.attributes["http.status_code"] == 200
    assert server.attributes["http.user_agent"] == "Mozilla/5.0 (tests)"
    dynamodb = [span for span in spans if span.attributes.get("rpc.service") == "DynamoDB"]
    assert dynamodb, [span.name for span in spans]
    assert {span.context.trace_id for span in dynamodb} == {server.context.trace_id}
    assert all(span.parent.span_id == server.context.span_id for span in dynamodb)
    assert all(span.name == f"DynamoDB.{span.attributes['rpc.method']}" for span in dynamodb)
    assert any(span.attributes.get("aws.dynamodb.table_names") for span in dynamodb)
    markers = {cast.patient.sub, path, "?q=", quote(cast.patient.email), *phi_markers.cast_markers()}
    assert leaks(spans, markers) == []
    assert not [span.name for span in spans if CLIENT_ADDRESS_KEYS & set(span.attributes)]


def test_an_s3_call_naming_a_patient_and_failing_leaves_no_key_or_message_in_its_span(aws, cast, exported):
    from botocore.exceptions import ClientError
    from django.conf import settings

    key = f"{settings.DOCUMENTS_KEY_PREFIX}{cast.patient.sub}/{cast.patient.email}.pdf"

    with pytest.raises(ClientError):
        aws_clients.client("s3").get_object(Bucket=settings.DOCUMENTS_BUCKET, Key=key)

    (span,) = exported.get_finished_spans()
    assert span.name == "S3.GetObject" and span.kind is SpanKind.CLIENT
    assert span.events and all(set(event.attributes) <= {"exception.type"} for event in span.events)
    assert span.status.description is None
    assert leaks([span], {cast.patient.sub, key, cast.patient.email}) == []


def test_the_request_log_line_names_the_trace_the_request_was_exported_in(client, cast, exported, caplog):
    sign_in(client, cast.patient.email)
    exported.clear()
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="medisecure.requests"):
        client.get("/patient/")

    (record,) = [record for record in caplog.records if record.name == "medisecure.requests"]
    (server,) = [span for span in exported.get_finished_spans() if span.kind is SpanKind.SERVER]
    digits = format(server.context.trace_id, "032x")
    assert record.trace_id == f"1-{digits[:8]}-{digits[8:]}"


def test_a_span_not_named_by_code_is_renamed_and_keeps_no_unlisted_attribute(exported):
    from opentelemetry.sdk.trace import ReadableSpan

    raw = ReadableSpan(
        name="/doctor/patients/0b7e-42/",
        attributes={"url.path": "/doctor/patients/0b7e-42/", "http.method": "GET"},
        kind=SpanKind.INTERNAL,
    )

    clean = tracing.scrubbed(raw)

    assert clean.name == tracing.OTHER_SPAN
    assert dict(clean.attributes) == {"http.method": "GET"}


def test_tracing_off_instruments_nothing_and_the_log_line_names_no_trace(client, cast, settings, caplog):
    settings.TRACES_EXPORTER = "none"

    assert tracing.configure() is None

    assert not DjangoInstrumentor().is_instrumented_by_opentelemetry
    assert not BotocoreInstrumentor().is_instrumented_by_opentelemetry
    assert not [name for name in settings.MIDDLEWARE if "opentelemetry" in name]
    sign_in(client, cast.patient.email)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="medisecure.requests"):
        client.get("/patient/")
    records = [record for record in caplog.records if record.name == "medisecure.requests"]
    assert records and not [record for record in records if hasattr(record, "trace_id")]


def test_otlp_sends_scrubbed_spans_with_xray_ids_and_header_to_the_sidecars_http_endpoint(
    settings, monkeypatch
):
    from opentelemetry import propagate, trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.propagators.aws import AwsXRayPropagator
    from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator

    # The process-wide provider and header format can be set only once;
    # the test reads what configure() would set.
    chosen = {}
    monkeypatch.setattr(trace, "set_tracer_provider", lambda provider: chosen.update(provider=provider))
    monkeypatch.setattr(propagate, "set_global_textmap", lambda textmap: chosen.update(textmap=textmap))
    settings.TRACES_EXPORTER = "otlp"

    provider = tracing.configure()
    try:
        processors = provider._active_span_processor._span_processors
        exporters = [processor._batch_processor._exporter for processor in processors]
    finally:
        tracing.stop()

    assert chosen["provider"] is provider and isinstance(chosen["textmap"], AwsXRayPropagator)
    assert isinstance(provider.id_generator, AwsXRayIdGenerator)
    # Every way out of the provider passes the scrubber.
    assert exporters and all(isinstance(exporter, tracing.ScrubbingSpanExporter) for exporter in exporters)
    (otlp,) = [exporter.inner for exporter in exporters]
    assert isinstance(otlp, OTLPSpanExporter) and otlp._endpoint == "http://127.0.0.1:4318/v1/traces"
