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
from medisecure.observability import metrics

SIGNUP_START = "signup_start"
CLINICIAN_APPLY = "clinician_apply"
EMERGENCY_LOOKUP = "emergency_lookup"
EMERGENCY_GRANT = "emergency_grant"


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
    return hmac.new(key, f"{name}:{subject}".encode(), hashlib.sha256).hexdigest()


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
        metrics.count(metrics.RATE_LIMIT_REFUSALS, Limit=limit.name)
        raise RateLimited(max(1, window_ends - now))


def rate_limit_first_refusal(*, name: str, subject: str) -> bool:
    """Whether this is the first refusal of `subject` at the limit `name` in
    the current window (so whoever must hear of it is told once): the same
    conditional counter, with a ceiling of one."""
    limit = limit_named(name)
    window = clock.epoch_seconds(clock.now()) // limit.window_seconds
    return rate_limit_repository.count_attempt(
        f"{limit.name}#refused#{_subject_digest(limit.name, subject)}#{window}",
        ceiling=1,
        expires_at=(window + 2) * limit.window_seconds,
    )


def too_many_attempts_message(retry_after_seconds: int) -> str:
    minutes = max(1, -(-retry_after_seconds // 60))
    wait = "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"Too many attempts from your network in a short time. Nothing was saved or sent. Please try again in {wait}."


def too_many_attempts(response, *, retry_after_seconds: int):
    """Marks a form page re-rendered with the rate limit's message as 429."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after_seconds)
    return response
