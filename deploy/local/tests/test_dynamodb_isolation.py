"""The local stack hands moto one DynamoDB request at a time.

DynamoDB serializes writes to the same items and never undoes a committed
transaction. moto does neither under concurrency: its TransactWriteItems
checks and writes items one by one, and on a failed condition restores a
copy of each table taken when it began, wiping whatever another request
committed in between (seen as a lost patient record when two sign-up
verifies raced). The stack's server is threaded, so it serializes DynamoDB
requests itself; other services keep running side by side."""

import threading
import time

from deploy.local.app import LocalStackApp

HOLD_SECONDS = 0.05
REQUESTS = 4


class _SlowBackend:
    """Stands in for moto: holds each request a moment, counting overlap."""

    def __init__(self):
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    def __call__(self, environ, start_response):
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(HOLD_SECONDS)
        with self._lock:
            self.running -= 1
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]


def _environ(**headers) -> dict:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "wsgi.input": None}
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return environ


def _most_at_once(environ) -> int:
    app = LocalStackApp(base_url="http://127.0.0.1:1", region="us-east-1")
    backend = app.moto = _SlowBackend()
    start = threading.Barrier(REQUESTS)

    def call():
        start.wait()
        app(dict(environ), lambda status, headers: None)

    threads = [threading.Thread(target=call) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return backend.most_at_once


def test_dynamodb_requests_reach_moto_one_at_a_time():
    signed = "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/dynamodb/aws4_request"
    dynamodb = _environ(x_amz_target="DynamoDB_20120810.TransactWriteItems", authorization=signed)

    assert _most_at_once(dynamodb) == 1


def test_other_services_are_not_held_up():
    signed = "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/s3/aws4_request"

    assert _most_at_once(_environ(authorization=signed)) > 1
