"""Throughput of audited writes against the local AWS stack, with 1, 4 and 16
concurrent writers, on the production number of chains and on one chain.

    .venv/bin/python -m bench.audit_throughput [--events 400]

It starts its own local stack on a free loopback port, so it never touches
the one `make run` uses. Figures are for the local emulator (moto applies one
request at a time and copies a table per transaction), so they show how the
chains share contention, not what DynamoDB itself sustains."""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

WRITER_COUNTS = (1, 4, 16)


def _configure(stack_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "medisecure.settings",
            "MEDISECURE_ENV": "local",
            "LOCAL_STACK_URL": stack_url,
            "TABLE_PREFIX": "bench-",
            "COGNITO_USER_POOL_ID": "",
        }
    )
    import django

    django.setup()


def _run(writers: int, events: int, chains: int, stack) -> dict:
    from django.conf import settings

    from audit.domain import ALLOWED
    from audit.services import Actor, audit_record
    from medisecure import aws, bootstrap
    from medisecure.identity.actors import NO_REQUEST

    stack.reset()
    bootstrap.ensure_tables()
    settings.AUDIT_CHAIN_COUNT = chains
    attempts: Counter = Counter()

    def count(request, **kwargs):
        if request.headers.get("X-Amz-Target", b"").endswith(b"TransactWriteItems"):
            attempts["transactions"] += 1

    client = aws.client("dynamodb")
    client.meta.events.register("before-send.dynamodb", count)
    actor = Actor(user_id="system:bench", role="operator")
    per_writer = events // writers

    def write(_writer):
        for _ in range(per_writer):
            audit_record(actor=actor, audit=NO_REQUEST, action="bench.write", outcome=ALLOWED)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(write, range(writers)))
    elapsed = time.perf_counter() - started
    client.meta.events.unregister("before-send.dynamodb", count)
    written = per_writer * writers
    return {
        "writers": writers,
        "chains": chains,
        "events": written,
        "seconds": elapsed,
        "per_second": written / elapsed,
        "retries_per_event": (attempts["transactions"] - written) / written,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=400, help="events per run (default 400)")
    args = parser.parse_args()

    from deploy.local.process import LocalStack

    stack = LocalStack().start()
    try:
        _configure(stack.url)
        from django.conf import settings

        production_chains = settings.AUDIT_CHAIN_COUNT
        print("| writers | chains | events | seconds | events/s | retries per event |")
        print("|---:|---:|---:|---:|---:|---:|")
        for chains in (production_chains, 1):
            for writers in WRITER_COUNTS:
                row = _run(writers, args.events, chains, stack)
                print(
                    f"| {row['writers']} | {row['chains']} | {row['events']} | {row['seconds']:.2f} "
                    f"| {row['per_second']:.0f} | {row['retries_per_event']:.2f} |",
                    flush=True,
                )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
