"""Reads of a sign-up in progress, for the visitor who started it (named by
the reference their session keeps). What the code page shows is the
visitor's own email and their code's state: no record of anyone else."""

from __future__ import annotations

from django.conf import settings

from medisecure import clock
from patients.signup import repository
from patients.signup.domain import PendingSignup, Signup, SignupClosed, SignupRef


def signup_open_get(*, ref: SignupRef, now_ts: int) -> Signup:
    """The sign-up, read consistently, while it can still be finished.
    Raises SignupClosed when there is none to continue (never started,
    finished, or too old)."""
    signup = repository.signup_get(ref.email, ref.created_at)
    if signup is None or not signup.is_open(now_ts):
        raise SignupClosed
    return signup


def signup_pending_get(*, ref: SignupRef) -> PendingSignup:
    """The sign-up as the code page shows it (or SignupClosed)."""
    now_ts = clock.epoch_seconds(clock.now())
    signup = signup_open_get(ref=ref, now_ts=now_ts)
    return PendingSignup(
        email=signup.email,
        code_expires_at=clock.from_epoch_seconds(signup.code_expires_at),
        code_expired=signup.code_expired(now_ts),
        attempts_left=signup.attempts_left(settings.SIGNUP_CODE_MAX_ATTEMPTS),
        proven=signup.is_proven,
    )
