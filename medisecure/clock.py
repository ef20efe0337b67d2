"""The current time, read from one place, and the one way a moment is
written down in storage.

Rules that depend on time (a code's expiry, how soon a new code may be sent)
read it here, so tests move a clock instead of sleeping. Every stored
timestamp is written by `stamp()`: UTC, ISO 8601 with microseconds and a
"Z", always the same width, so timestamps sort as strings exactly as they
sort in time and sort keys compare like with like."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# How far the rules' clock is moved from the machine's (shifted_to): only the
# local demo seeding moves it, to write visits that happened weeks ago
# through the same services that write today's.
_shift: ContextVar[timedelta] = ContextVar("clock_shift", default=timedelta(0))


def now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC) + _shift.get()


@contextmanager
def shifted_to(moment: datetime) -> Iterator[None]:
    """Inside the block, now() starts at `moment` and runs on as the machine's
    clock does. recorded_now() is not moved, so the audit trail stays in the
    order its events were written."""
    token = _shift.set(moment - datetime.now(UTC))
    try:
        yield
    finally:
        _shift.reset(token)


def recorded_now() -> datetime:
    """When something is being written down (an audit event), by the
    machine's clock. Kept apart from now(), which tests move to exercise
    rules: a trail is ordered by when it was written, and a test that stops
    the rules' clock must not make its events tie."""
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """How a moment is stored: "2026-12-02T15:00:00.000000Z". Now, by default."""
    moment = now() if moment is None else moment
    if moment.tzinfo is None:
        raise ValueError("a stored moment must know its time zone")
    return moment.astimezone(UTC).strftime(STAMP_FORMAT)


def from_stamp(text: str) -> datetime:
    """A stored moment, back as an aware UTC datetime. Also reads the shorter
    ISO forms earlier versions stored ("...:00Z", "...+00:00")."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def epoch_seconds(moment: datetime | None = None) -> int:
    return int((now() if moment is None else moment).timestamp())


def from_epoch_seconds(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
