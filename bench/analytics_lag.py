"""The analytics projector's lag under load, on the local stack: bookings
written at a steady rate by several writers while one projector follows the
appointments table's stream (as `make run`'s stream_consumer does); for
each booking, how long until the counters include it.

    .venv/bin/python -m pytest -q -s -p no:cacheprovider bench/analytics_lag.py
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from analytics import repository
from analytics.handlers import project_appointments
from analytics.tests.support import appointment, at
from medisecure.streams import StreamConsumer
from medisecure.tables import APPOINTMENTS

pytestmark = pytest.mark.django_db
WRITERS, PER_WRITER, RATE_PER_WRITER = 4, 75, 5.0  # 300 bookings at 20 a second


def _total() -> int:
    return sum(repository.counters_between("appointments", "2026-W01", "2026-W53").values())


def test_projector_lag_under_load(aws):
    stop = threading.Event()
    consumer = StreamConsumer(APPOINTMENTS, project_appointments, name="analytics-bench")
    follower = threading.Thread(target=consumer.follow, args=(stop,), kwargs={"idle_seconds": 0.2})
    follower.start()
    written: list[float] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        for n in range(PER_WRITER):
            appointment(f"w{number}-{n}", f"p{number}-{n}", created=at(2, 9), start=at(4 + n % 20, 10))
            with lock:
                written.append(time.monotonic())
            time.sleep(1 / RATE_PER_WRITER)

    counted: list[float] = []
    began = time.monotonic()
    with ThreadPoolExecutor(WRITERS) as pool:
        for number in range(WRITERS):
            pool.submit(writer, number)
        while len(counted) < WRITERS * PER_WRITER and time.monotonic() - began < 300:
            total, now = _total(), time.monotonic()
            counted += [now] * (total - len(counted))
            time.sleep(0.1)
    while len(counted) < WRITERS * PER_WRITER and time.monotonic() - began < 300:
        total, now = _total(), time.monotonic()
        counted += [now] * (total - len(counted))
        time.sleep(0.1)
    stop.set()
    follower.join()
    lags = sorted(done - wrote for wrote, done in zip(sorted(written), counted, strict=False))
    print(
        f"\n{len(lags)} bookings in {written[-1] - written[0]:.1f} s; lag p50 {lags[len(lags) // 2]:.2f} s, "
        f"p95 {lags[int(len(lags) * 0.95)]:.2f} s, max {lags[-1]:.2f} s"
    )
    assert len(counted) == WRITERS * PER_WRITER
