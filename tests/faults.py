"""Faults injected where the portal meets AWS: botocore's send boundary.

A handler on `before-send.<service>` sees every request the portal's own
client is about to send. It can answer for AWS (an error response, as if
the service refused), or raise (as if the process died at that point). No
internals of the portal are patched."""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field

from botocore.awsrequest import AWSResponse

from medisecure import aws


class SimulatedCrash(Exception):
    """The process 'dies' here: nothing after this point in the request runs.
    Not a botocore error, so botocore does not retry it."""


def operation_of(event_name: str) -> str:
    # before-send.<service-id>.<OperationName>
    return event_name.rsplit(".", 1)[-1]


@contextlib.contextmanager
def at_send(service: str, handler):
    """Run `handler(request, operation)` before each request the portal's
    `service` client sends; whatever it returns (an AWSResponse) stands in
    for AWS's answer."""
    client = aws.client(service)
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"

    def hook(request, event_name, **kwargs):
        return handler(request, operation_of(event_name))

    client.meta.events.register(event, hook)
    try:
        yield
    finally:
        client.meta.events.unregister(event, hook)


class _Body:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


def json_error(request, *, status: int, code: str, message: str) -> AWSResponse:
    """The error response a JSON-protocol AWS service (SES v2, DynamoDB,
    Cognito) sends."""
    body = json.dumps({"__type": code, "message": message}).encode("utf-8")
    headers = {"x-amzn-ErrorType": code, "Content-Type": "application/json"}
    return AWSResponse(request.url, status, headers, _Body(body))


@dataclass
class SendLog:
    """Requests the portal sent to one service: (operation, body) pairs."""

    sent: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request, operation):
        body = request.body
        with self.lock:
            self.sent.append((operation, body.decode("utf-8") if isinstance(body, bytes) else (body or "")))
        return None

    def bodies(self, operation: str) -> list[dict]:
        return [json.loads(body) for name, body in self.sent if name == operation]

    def operations(self) -> list[str]:
        return [name for name, _ in self.sent]
