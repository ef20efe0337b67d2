"""Throughput of the portal under gunicorn for the patient's home page:
concurrent signed-in clients over HTTP, as many requests as they can for a
fixed time.

    .venv/bin/python -m bench.portal_throughput [--clients 8] [--seconds 20] [--workers 2] [--threads 4]

It starts its own local AWS stack, migrates a throwaway SQLite database for
Django's sessions, starts gunicorn with the container's configuration
(deploy/aws/gunicorn.conf.py) on a free loopback port, signs each client in
through the real sign-in flow (the hosted sign-in page of the local stack),
then drives GET /patient/ from that many threads with `requests`, one
patient per client (each in the demo doctor's care). It prints
the gunicorn command it ran. Every request is a real page: the patient's
record, care team and doctors read from DynamoDB and one audit event written."""

from __future__ import annotations

import argparse
import threading
import time

import requests

from bench import stack as bench_stack


def drive(sessions: list[requests.Session], url: str, seconds: float) -> dict:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(session):
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status = session.get(url, allow_redirects=False, timeout=60).status_code
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(session,)) for session in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    median, p95 = bench_stack.median_p95(latencies)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "statuses": statuses,
        "median": median,
        "p95": p95,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (the container's default: 2)"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (the container's default: 4)"
    )
    args = parser.parse_args()

    port = bench_stack.free_port()
    local_stack = bench_stack.start(site_url=f"http://127.0.0.1:{port}")
    try:
        emails = bench_stack.patients_of_the_demo_doctor(args.clients)
        with bench_stack.gunicorn(
            local_stack, port=port, workers=args.workers, threads=args.threads
        ) as portal:
            sessions = [bench_stack.http_sign_in(portal, email) for email in emails]
            drive(sessions, f"{portal}/patient/", seconds=3)  # warm up
            print(f"# {bench_stack.machine_load()} before", flush=True)
            result = drive(sessions, f"{portal}/patient/", seconds=args.seconds)
            print(f"# {bench_stack.machine_load()} after", flush=True)
        print(
            "| clients | workers x threads | requests | seconds | requests/s | median ms | p95 ms | statuses |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        print(
            f"| {args.clients} | {args.workers} x {args.threads} | {result['requests']} | {result['seconds']:.1f} | "
            f"{result['per_second']:.1f} | {result['median'] * 1000:.0f} | {result['p95'] * 1000:.0f} | "
            f"{result['statuses']} |"
        )
    finally:
        local_stack.stop()


if __name__ == "__main__":
    main()
