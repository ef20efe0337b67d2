"""Patient self-signup: a person gives their details, receives a 6-digit code
by email, and entering it makes their account.

The rules (settings name the numbers):
- A code is kept only as an HMAC (patients.otp), expires after
  SIGNUP_CODE_TTL_MINUTES and dies after SIGNUP_CODE_MAX_ATTEMPTS wrong tries.
- Codes go to one address at most once per SIGNUP_RESEND_INTERVAL_SECONDS and
  SIGNUP_SENDS_PER_HOUR times an hour, counted in a per-address ledger that
  every send updates conditionally, so concurrent requests cannot slip past.
- An address that already has an account gets the same pages and limits; its
  holder gets an email saying someone tried, and no account is made.
- Making the account (Cognito user, patient group, patient record, sign-up
  marked verified) can be cut short at any step and run again: each step
  finds what an earlier run made. Two verifies at once make one account.
Every step is audited; the person is identified by the sign-up's id, never
by their email.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from botocore.exceptions import ClientError
from django.conf import settings

from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import audit_record
from medisecure import clock, dynamo, mail, rate_limits
from medisecure.identity import cognito
from medisecure.identity.roles import Role
from medisecure.middleware import client_ip
from patients import emails, otp, repository
from patients.domain import PENDING, VERIFIED, VERIFYING, Patient, SendLedger, Signup, SignupDetails

OPTIMISTIC_ATTEMPTS = 4


@dataclass(frozen=True)
class SignupRef:
    """Which sign-up a browser is in the middle of (kept in its session)."""

    email: str
    created_at: str


@dataclass(frozen=True)
class SendOutcome:
    ref: SignupRef
    sent: bool  # False: SES did not take the email; nothing else was lost


@dataclass(frozen=True)
class PendingSignup:
    """What the code page shows about a sign-up."""

    email: str
    code_expires_at: datetime
    code_expired: bool
    attempts_left: int


class SendTooSoon(Exception):
    def __init__(self, retry_at: datetime):
        super().__init__(retry_at.isoformat())
        self.retry_at = retry_at


class SignupClosed(Exception):
    """No sign-up to continue: never started, finished, or too old."""


class CodeRefused(Exception):
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"

    def __init__(self, reason: str, attempts_left: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.attempts_left = attempts_left


class AccountAlreadyExists(Exception):
    """The email belongs to an account this sign-up did not make."""


class PasswordRefused(Exception):
    """The user pool refused the chosen password; the person must start again."""


class SignupBusy(Exception):
    """Other requests kept changing this sign-up; trying again will work."""


def _now() -> tuple[datetime, int]:
    moment = clock.now()
    return moment, clock.epoch_seconds(moment)


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def _audit(request, action: str, signup: Signup, *, outcome: str = ALLOWED, detail=None, with_writes=()):
    return audit_record(
        request=request,
        action=action,
        outcome=outcome,
        resource_type="signup",
        resource_id=signup.signup_id,
        detail=detail,
        with_writes=with_writes,
    )


# --- Asking for a code --------------------------------------------------------


def signup_request(*, request, details: SignupDetails) -> SendOutcome:
    """Start a sign-up and email its code (or, for an address that already
    has an account, a notice to its holder). Raises SendTooSoon, or
    RateLimited when this client address has started too many."""
    rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject=client_ip(request))
    now, now_ts = _now()
    ledger = repository.ledger_get(details.email)
    _refuse_if_too_soon(ledger, now_ts)
    existing = _has_finished_account(details.email)
    signup_id = uuid.uuid4().hex
    code = otp.new_code()
    signup = Signup(
        email=details.email,
        created_at=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        signup_id=signup_id,
        status=PENDING,
        for_existing_account=existing,
        code_digest=otp.unmatchable_digest(signup_id) if existing else otp.code_digest(signup_id, code),
        code_expires_at=now_ts + settings.SIGNUP_CODE_TTL_MINUTES * 60,
        attempts=0,
        expires_at=now_ts + settings.SIGNUP_PENDING_HOURS * 3600,
        # Someone signing up with another person's address learns nothing
        # and leaves nothing of theirs behind.
        **({} if existing else _personal_details(details, signup_id)),
    )
    sent_ledger = ledger.with_send(now_ts)
    try:
        _audit(
            request,
            "signup.requested",
            signup,
            detail={"existing_account": existing},
            with_writes=[repository.ledger_save_entry(ledger, sent_ledger), repository.signup_add_entry(signup)],
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        # A send to this address landed between our read and our write.
        raise _too_soon(repository.ledger_get(details.email), now_ts) from error
    sent = _deliver(request, signup, code, sent_ledger, now_ts)
    return SendOutcome(ref=SignupRef(signup.email, signup.created_at), sent=sent)


def _personal_details(details: SignupDetails, signup_id: str) -> dict:
    return {
        "given_name": details.given_name,
        "family_name": details.family_name,
        "date_of_birth": details.date_of_birth,
        "phone": details.phone,
        "sealed_password": otp.seal_password(signup_id, details.password),
    }


def signup_resend(*, request, ref: SignupRef) -> SendOutcome:
    """Email a new code for the sign-up (the old one stops working). Raises
    SendTooSoon or SignupClosed."""
    for _attempt in range(OPTIMISTIC_ATTEMPTS):
        now, now_ts = _now()
        signup = _open_signup(ref, now_ts)
        ledger = repository.ledger_get(ref.email)
        _refuse_if_too_soon(ledger, now_ts)
        code = otp.new_code()
        reissued = replace(
            signup,
            code_digest=(
                otp.unmatchable_digest(signup.signup_id)
                if signup.for_existing_account
                else otp.code_digest(signup.signup_id, code)
            ),
            code_expires_at=now_ts + settings.SIGNUP_CODE_TTL_MINUTES * 60,
            attempts=0,
        )
        sent_ledger = ledger.with_send(now_ts)
        writes = [repository.ledger_save_entry(ledger, sent_ledger), repository.signup_replace_entry(signup, reissued)]
        try:
            _audit(request, "signup.code.reissued", signup, with_writes=writes)
        except ClientError as error:
            if not dynamo.is_conditional_failure(error):
                raise
            continue  # another send or a verify moved things on: look again
        return SendOutcome(ref=ref, sent=_deliver(request, reissued, code, sent_ledger, now_ts))
    raise SignupBusy


def _next_send_at(ledger: SendLedger, now_ts: int) -> int | None:
    return ledger.next_send_at(
        now_ts, interval=settings.SIGNUP_RESEND_INTERVAL_SECONDS, per_hour=settings.SIGNUP_SENDS_PER_HOUR
    )


def _refuse_if_too_soon(ledger: SendLedger, now_ts: int) -> None:
    if _next_send_at(ledger, now_ts) is not None:
        raise _too_soon(ledger, now_ts)


def _too_soon(ledger: SendLedger, now_ts: int) -> SendTooSoon:
    retry_at = _next_send_at(ledger, now_ts)
    if retry_at is None:
        # Only after a lost race, whose winning send counts as just made.
        retry_at = now_ts + settings.SIGNUP_RESEND_INTERVAL_SECONDS
    return SendTooSoon(_at(retry_at))


def _deliver(request, signup: Signup, code: str, ledger: SendLedger, sent_ts: int) -> bool:
    if signup.for_existing_account:
        message, action = emails.existing_account_notice(to=signup.email), "signup.notice"
    else:
        message = emails.signup_code(
            to=signup.email, first_name=signup.given_name, code=code, expires_at=_at(signup.code_expires_at)
        )
        action = "signup.code"
    try:
        mail.send(message)
    except mail.MailNotSent:
        # The email never left, so it does not count against the limits: the
        # person may ask again at once. If another send got in first, that
        # one's record stands and this send stays counted (the safe side).
        repository.ledger_save(ledger, ledger.without_send(sent_ts))
        _audit(request, f"{action}.send_failed", signup, outcome=FAILED)
        return False
    _audit(request, f"{action}.sent", signup)
    return True


def _has_finished_account(email: str) -> bool:
    """Whether the address belongs to an account that is not a self-signup
    someone left half-made (that one the next verified sign-up finishes)."""
    user = cognito.get_pool_user(email)
    return user is not None and not _is_unfinished_signup_user(user)


def _is_unfinished_signup_user(user: cognito.PoolUser) -> bool:
    # Self-signup writes the patient record last, so a marked user without
    # one was never finished.
    return bool(user.attributes.get(cognito.SIGNUP_ATTRIBUTE)) and repository.get(user.sub) is None


# --- The code page ------------------------------------------------------------


def _open_signup(ref: SignupRef, now_ts: int) -> Signup:
    signup = repository.signup_get(ref.email, ref.created_at)
    if signup is None or not signup.is_open(now_ts):
        raise SignupClosed
    return signup


def signup_pending_view(*, ref: SignupRef) -> PendingSignup:
    _, now_ts = _now()
    signup = _open_signup(ref, now_ts)
    return PendingSignup(
        email=signup.email,
        code_expires_at=_at(signup.code_expires_at),
        code_expired=signup.code_expired(now_ts),
        attempts_left=signup.attempts_left(settings.SIGNUP_CODE_MAX_ATTEMPTS),
    )


def signup_verify(*, request, ref: SignupRef, code: str) -> str:
    """Check the code and make the account; the new patient's id. Raises
    CodeRefused, SignupClosed, AccountAlreadyExists, PasswordRefused or
    SignupBusy."""
    maximum = settings.SIGNUP_CODE_MAX_ATTEMPTS
    for _attempt in range(OPTIMISTIC_ATTEMPTS):
        _, now_ts = _now()
        signup = _open_signup(ref, now_ts)
        _refuse_dead_code(request, signup, now_ts, maximum)
        if not otp.code_matches(signup.signup_id, code, signup.code_digest):
            tried = replace(signup, attempts=signup.attempts + 1)
            if not _try_transition(
                request, "signup.code.failed", signup, tried, outcome=DENIED,
                detail={"reason": CodeRefused.WRONG, "attempts": tried.attempts},
            ):
                continue
            left = tried.attempts_left(maximum)
            raise CodeRefused(CodeRefused.WRONG if left else CodeRefused.EXHAUSTED, attempts_left=left)
        claimed = replace(signup, status=VERIFYING)
        if not _try_transition(request, "signup.code.verified", signup, claimed):
            continue
        return _finish_account(request, claimed)
    raise SignupBusy


def _refuse_dead_code(request, signup: Signup, now_ts: int, maximum: int) -> None:
    reason = None
    if signup.attempts >= maximum:
        reason = CodeRefused.EXHAUSTED
    elif signup.code_expired(now_ts):
        reason = CodeRefused.EXPIRED
    if reason:
        _audit(request, "signup.code.failed", signup, outcome=DENIED, detail={"reason": reason})
        raise CodeRefused(reason)


def _try_transition(request, action: str, before: Signup, after: Signup, *, outcome=ALLOWED, detail=None) -> bool:
    """Move the sign-up on with its audit event; False if a concurrent
    request moved it first (the caller looks again)."""
    try:
        _audit(
            request, action, before, outcome=outcome, detail=detail,
            with_writes=[repository.signup_replace_entry(before, after)],
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


# --- Making the account -------------------------------------------------------


def _finish_account(request, signup: Signup) -> str:
    """Every step looks for what an earlier, interrupted run made, so running
    this again (or twice at once) ends with one complete account."""
    user = cognito.get_pool_user(signup.email) or cognito.create_signup_user(
        email=signup.email,
        given_name=signup.given_name,
        family_name=signup.family_name,
        signup_id=signup.signup_id,
    )
    if not _may_finish(user, signup):
        _audit(request, "signup.account.exists", signup, outcome=DENIED)
        raise AccountAlreadyExists
    try:
        password = otp.open_password(signup.signup_id, signup.sealed_password)
    except otp.SealBroken as broken:
        # SIGNUP_SECRET_KEY was rotated mid sign-up. Starting again is safe:
        # the next sign-up finishes whatever this one made.
        _audit(request, "signup.account.seal_broken", signup, outcome=FAILED)
        raise SignupClosed from broken
    try:
        cognito.set_permanent_password(signup.email, password)
    except cognito.PasswordNotAccepted as refused:
        _audit(request, "signup.account.password_refused", signup, outcome=FAILED)
        raise PasswordRefused from refused
    cognito.add_to_group(signup.email, Role.PATIENT.value)
    return _record_patient(request, signup, user.sub)


def _may_finish(user: cognito.PoolUser, signup: Signup) -> bool:
    """Ours to finish: made by this sign-up, or by an earlier self-signup of
    the same address that never got as far as its patient record. The person
    has just proved they read this address's mail, as they did then."""
    marker = user.attributes.get(cognito.SIGNUP_ATTRIBUTE, "")
    return marker == signup.signup_id or _is_unfinished_signup_user(user)


def _record_patient(request, signup: Signup, patient_id: str) -> str:
    now, _ = _now()
    patient = Patient(
        patient_id=patient_id,
        email=signup.email,
        given_name=signup.given_name,
        family_name=signup.family_name,
        date_of_birth=signup.date_of_birth,
        phone=signup.phone,
        created_at=now.isoformat(),
    )
    # The code and the sealed password are of no further use: drop them.
    verified = replace(
        signup, status=VERIFIED, patient_id=patient_id, verified_at=now.isoformat(),
        code_digest="", sealed_password="",
    )
    try:
        audit_record(
            request=request,
            action="signup.account.created",
            outcome=ALLOWED,
            resource_type="patient",
            resource_id=patient_id,
            patient_id=patient_id,
            detail={"signup_id": signup.signup_id},
            with_writes=[repository.add_entry(patient), repository.signup_replace_entry(signup, verified)],
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        latest = repository.signup_get(signup.email, signup.created_at)
        if latest is None or latest.status != VERIFIED or latest.patient_id != patient_id:
            raise AccountAlreadyExists from error
        # A concurrent verify of this sign-up finished first: same account.
    return patient_id
