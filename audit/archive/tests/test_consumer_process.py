"""`manage.py stream_consumer`, as make run starts it: a process of its own
against the stack, killed outright and started again, stopped by a signal;
and its report of how far behind it is."""

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.archive.tests.support import consumer, drain, versions, write
from medisecure import clock

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]


def _start():
    return subprocess.Popen(
        [sys.executable, "manage.py", "stream_consumer", "--follow"],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _until_archived(count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(versions("events/")) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"only {len(versions('events/'))} of {count} events archived")


def test_the_consumer_process_killed_and_started_again_archives_everything_once(aws):
    process = _start()
    try:
        write(20)
        _until_archived(20)
    finally:
        process.kill()
        process.wait()
    write(10)  # while no consumer runs

    process = _start()
    try:
        _until_archived(30)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0, "stopped cleanly by the stack's stop"

    assert len(versions("events/")) == 30 and set(versions().values()) == {1}


def test_the_consumer_reports_how_far_behind_it_is(aws):
    (event,) = write(1)
    (waiting,) = consumer().lag()
    assert waiting.oldest_unhandled is not None
    assert abs((waiting.oldest_unhandled - clock.from_stamp(event.timestamp)).total_seconds()) < 5
    behind = StringIO()
    call_command("stream_consumer", "--lag", stdout=behind)
    assert "audit-archive (audit-logs): oldest unhandled record" in behind.getvalue()

    drain()
    assert [shard.oldest_unhandled for shard in consumer().lag()] == [None]
    caught_up = StringIO()
    call_command("stream_consumer", "--lag", stdout=caught_up)

    assert "oldest unhandled record 0.0 s old" in caught_up.getvalue()
