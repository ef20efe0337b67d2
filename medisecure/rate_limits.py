"""Rate limits on the forms someone could hammer: a fixed number of
attempts per subject (a client address, a sign-up) in a fixed time window,
each counted in DynamoDB before the attempt is let through.

The numbers are settings (RATE_LIMITS). A subject is kept only as an HMAC,
so the counters name no person. When DynamoDB cannot count, the attempt is
refused with the usual 503: a limit that cannot be checked is not skipped."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from medisecure import clock, rate_limit_repository

SIGNUP_START = "signup_start"
CLINICIAN_APPLY = "clinician_apply"


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int


class RateLimited(Exception):
    def __init__(self, retry_after_seconds: int):
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


def limit_named(name: str) -> Limit:
    rule = settings.RATE_LIMITS[name]
    return Limit(name=name, attempts=rule["attempts"], window_seconds=rule["window_seconds"])


def _subject_digest(name: str, subject: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode("utf-8"), b"medisecure/rate-limits", hashlib.sha256).digest()
    return hmac.new(key, f"{name}:{subject}".encode("utf-8"), hashlib.sha256).hexdigest()


def rate_limit_attempt(*, name: str, subject: str) -> None:
    """Count one attempt by `subject` at the limit `name`; RateLimited (with
    the seconds until the window ends) when the window is already full."""
    limit = limit_named(name)
    now = clock.epoch_seconds(clock.now())
    window = now // limit.window_seconds
    window_ends = (window + 1) * limit.window_seconds
    counted = rate_limit_repository.count_attempt(
        f"{limit.name}#{_subject_digest(limit.name, subject)}#{window}",
        ceiling=limit.attempts,
        # Kept one window longer than needed: TTL deletion runs late anyway,
        # and the window number in the id already retires it.
        expires_at=window_ends + limit.window_seconds,
    )
    if not counted:
        raise RateLimited(max(1, window_ends - now))
