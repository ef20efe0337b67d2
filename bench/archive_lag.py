"""The audit archive's lag and throughput against the local AWS stack.

    .venv/bin/python -m bench.archive_lag [--writers 16] [--events 800] [--backlog 1000]

Lag: 16 concurrent audited writers while the stream consumer follows the
audit table's stream (as `make run` runs it); each event's lag is from its
own timestamp to the moment the archiver's batch holding it was kept in the
archive. Throughput: a backlog of events written with no consumer running,
then archived from the stream by one consumer. Its own stack on a free
loopback port; figures are for the local emulator."""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def _configure(stack_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "medisecure.settings",
            "MEDISECURE_ENV": "local",
            "LOCAL_STACK_URL": stack_url,
            "TABLE_PREFIX": "bench-",
            "AUDIT_ARCHIVE_BUCKET": "bench-audit-archive",
            "COGNITO_USER_POOL_ID": "",
        }
    )
    import django

    django.setup()


def _fresh(stack) -> None:
    from audit import repository
    from medisecure import bootstrap

    stack.reset()
    repository.forget_written_heads()
    bootstrap.ensure_tables()
    bootstrap.ensure_archive_bucket()


def _write(writers: int, events: int) -> int:
    """Write `events` audited events from `writers` threads; the number
    written (a write that outlasts its contention deadline is counted out)."""
    from audit.domain import ALLOWED
    from audit.services import Actor, AuditWriteFailed, audit_record
    from medisecure.identity.actors import NO_REQUEST

    actor = Actor(user_id="system:bench", role="operator")

    def write(_writer):
        written = 0
        for _ in range(events // writers):
            try:
                audit_record(actor=actor, audit=NO_REQUEST, action="bench.write", outcome=ALLOWED)
                written += 1
            except AuditWriteFailed:
                pass
        return written

    with ThreadPoolExecutor(max_workers=writers) as pool:
        return sum(pool.map(write, range(writers)))


def _lag(stack, writers: int, events: int) -> dict:
    from audit.archive.handlers import archive_records
    from medisecure import clock
    from medisecure.streams import INSERT, StreamConsumer
    from medisecure.tables import AUDIT_LOGS

    _fresh(stack)
    lags: list[float] = []

    def timed(records):
        archive_records(records)
        kept = clock.now()
        lags.extend(
            (kept - clock.from_stamp(record.new_image["timestamp"])).total_seconds()
            for record in records
            if record.event_name == INSERT and record.new_image and "chainId" in record.new_image
        )

    consumer = StreamConsumer(AUDIT_LOGS, timed, name="bench")
    stop = threading.Event()
    follower = threading.Thread(target=consumer.follow, args=(stop,), kwargs={"idle_seconds": 0.1})
    follower.start()
    started = time.perf_counter()
    _write(writers, events)
    written = time.perf_counter() - started
    deadline = time.monotonic() + 120
    while len(lags) < events and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    follower.join()
    quantiles = statistics.quantiles(lags, n=100)
    return {
        "events": len(lags),
        "write_seconds": written,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "max": max(lags),
    }


def _throughput(stack, backlog: int) -> dict:
    from audit.archive.handlers import archive_records
    from medisecure.streams import StreamConsumer
    from medisecure.tables import AUDIT_LOGS

    _fresh(stack)
    backlog = _write(8, backlog)
    consumer = StreamConsumer(AUDIT_LOGS, archive_records, name="bench")
    started = time.perf_counter()
    records = 0
    while handled := consumer.poll():
        records += handled
    elapsed = time.perf_counter() - started
    return {"events": backlog, "records": records, "seconds": elapsed, "per_second": backlog / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument(
        "--events", type=int, default=800, help="events written while following (default 800)"
    )
    parser.add_argument(
        "--backlog", type=int, default=1000, help="events archived from a backlog (default 1000)"
    )
    args = parser.parse_args()

    from deploy.local.process import LocalStack

    stack = LocalStack().start()
    try:
        _configure(stack.url)
        lag = _lag(stack, args.writers, args.events)
        print("| writers | events | written in | lag p50 | lag p95 | lag max |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(
            f"| {args.writers} | {lag['events']} | {lag['write_seconds']:.1f} s | {lag['p50']:.2f} s "
            f"| {lag['p95']:.2f} s | {lag['max']:.2f} s |",
            flush=True,
        )
        rate = _throughput(stack, args.backlog)
        print()
        print("| backlog events | stream records | seconds | events archived/s |")
        print("|---:|---:|---:|---:|")
        print(f"| {rate['events']} | {rate['records']} | {rate['seconds']:.1f} | {rate['per_second']:.0f} |")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
