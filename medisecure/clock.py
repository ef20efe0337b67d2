"""The current time, read from one place.

Rules that depend on time (a code's expiry, how soon a new code may be sent)
read it here, so tests move a clock instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """Now, in UTC."""
    return datetime.now(timezone.utc)


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch_seconds(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)
