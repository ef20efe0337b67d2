"""Patient self-signup: a person gives their details, receives a 6-digit code
by email, enters it (the address is proven), then chooses their password on
the next page, which makes their account with it at once. No password is
ever stored: it goes from the request straight to the user pool.

The rules (settings name the numbers):
- A code is kept only as an HMAC (patients.signup.otp), expires after
  SIGNUP_CODE_TTL_MINUTES and dies after SIGNUP_CODE_MAX_ATTEMPTS wrong tries.
- Codes go to one address at most once per SIGNUP_RESEND_INTERVAL_SECONDS and
  SIGNUP_SENDS_PER_HOUR times an hour, counted in a per-address ledger that
  every send updates conditionally, so concurrent requests cannot slip past.
- An address that already has an account gets the same pages and limits; its
  holder gets an email saying someone tried, and no account is made.
- Once the code is proven a second email carries a link (its secret kept
  only as an HMAC) that reopens the password page, so a sign-up cut short
  between the two pages can be finished from another browser; or the
  person simply starts again.
- Making the account (Cognito user, patient group, patient record, the
  password, sign-up marked verified) can be cut short at any step and run
  again: each step finds what an earlier run made. The password is the
  last step in the user pool, so no half-made account can be signed into.
Every step is audited; the person is identified by the sign-up's id, never
by their email.

The visitor is anonymous (`actor` is ANONYMOUS from a page); the sign-up
they are in the middle of is named by the SignupRef their session keeps.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from django.conf import settings

from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import audit_event_add, audit_record
from medisecure import clock, mail, rate_limits
from medisecure.errors import ConcurrentUpdate
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.unit_of_work import Transaction
from patients import selectors as patients
from patients import services as patient_services
from patients.domain import Patient, PatientExists
from patients.signup import emails, otp, repository, selectors
from patients.signup.domain import (
    PENDING,
    VERIFIED,
    AccountAlreadyExists,
    CodeRefused,
    NotProven,
    PasswordRefused,
    SendLedger,
    SendLedgerMoved,
    SendOutcome,
    SendTooSoon,
    Signup,
    SignupBusy,
    SignupClosed,
    SignupDetails,
    SignupMoved,
    SignupRef,
)

OPTIMISTIC_ATTEMPTS = 4
# The user pool's status of a user with a permanent password.
CONFIRMED = "CONFIRMED"


def _now() -> tuple[datetime, int]:
    moment = clock.now()
    return moment, clock.epoch_seconds(moment)


def _audit_add(
    tx: Transaction,
    *,
    actor: Actor,
    audit: AuditContext,
    action: str,
    signup: Signup,
    outcome: str = ALLOWED,
    detail: dict | None = None,
) -> None:
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        outcome=outcome,
        resource_type="signup",
        resource_id=signup.signup_id,
        detail=detail,
    )


def _audit(
    *,
    actor: Actor,
    audit: AuditContext,
    action: str,
    signup: Signup,
    outcome: str = ALLOWED,
    detail: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        audit=audit,
        action=action,
        outcome=outcome,
        resource_type="signup",
        resource_id=signup.signup_id,
        detail=detail,
    )


# --- Asking for a code --------------------------------------------------------


def signup_request(*, actor: Actor, audit: AuditContext, details: SignupDetails) -> SendOutcome:
    """Start a sign-up and email its code (or, for an address that already
    has an account, a notice to its holder). Raises SendTooSoon, or
    RateLimited when this client address (`audit.ip`) has started too many."""
    rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject=audit.ip)
    now, now_ts = _now()
    ledger = repository.ledger_get(details.email)
    sender = _sender(audit)
    _refuse_if_too_soon(ledger, now_ts, sender)
    existing = _has_finished_account(details.email)
    signup_id = uuid.uuid4().hex
    code = otp.new_code()
    signup = Signup(
        email=details.email,
        created_at=clock.stamp(now),
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
    sent_ledger = ledger.with_send(now_ts, sender)
    tx = Transaction()
    repository.ledger_save(tx, ledger, sent_ledger)
    repository.signup_add(tx, signup)
    _audit_add(
        tx,
        actor=actor,
        audit=audit,
        action="signup.requested",
        signup=signup,
        detail={"existing_account": existing},
    )
    try:
        tx.commit()
    except (SendLedgerMoved, SignupMoved) as moved:
        # A send to this address landed between our read and our write.
        raise _too_soon(repository.ledger_get(details.email), now_ts, sender) from moved
    sent = _deliver(actor, audit, signup, code, sent_ledger, now_ts)
    return SendOutcome(ref=signup.ref, sent=sent)


def _personal_details(details: SignupDetails, signup_id: str) -> dict:
    return {
        "given_name": details.given_name,
        "family_name": details.family_name,
        "date_of_birth": details.date_of_birth,
        "phone": details.phone,
    }


def signup_resend(*, actor: Actor, audit: AuditContext, ref: SignupRef) -> SendOutcome:
    """Email a new code for the sign-up (the old one stops working). Raises
    SendTooSoon, SignupClosed or SignupBusy."""
    for _attempt in range(OPTIMISTIC_ATTEMPTS):
        now, now_ts = _now()
        signup = selectors.signup_open_get(ref=ref, now_ts=now_ts)
        ledger = repository.ledger_get(ref.email)
        sender = _sender(audit)
        _refuse_if_too_soon(ledger, now_ts, sender)
        code = otp.new_code()
        reissued = signup.with_new_code(
            code_digest=(
                otp.unmatchable_digest(signup.signup_id)
                if signup.for_existing_account
                else otp.code_digest(signup.signup_id, code)
            ),
            code_expires_at=now_ts + settings.SIGNUP_CODE_TTL_MINUTES * 60,
        )
        sent_ledger = ledger.with_send(now_ts, sender)
        tx = Transaction()
        repository.ledger_save(tx, ledger, sent_ledger)
        repository.signup_replace(tx, signup, reissued)
        _audit_add(tx, actor=actor, audit=audit, action="signup.code.reissued", signup=signup)
        try:
            tx.commit()
        except (SendLedgerMoved, SignupMoved):
            continue  # another send or a verify moved things on: look again
        return SendOutcome(ref=ref, sent=_deliver(actor, audit, reissued, code, sent_ledger, now_ts))
    raise SignupBusy


def _sender(audit: AuditContext) -> str:
    """Who asks for a send, as the ledger keeps it: a keyed hash of the
    client address (the hourly cap is per client address and email)."""
    return otp.sender_digest(audit.ip or "")


def _next_send_at(ledger: SendLedger, now_ts: int, sender: str) -> int | None:
    return ledger.next_send_at(
        now_ts,
        interval=settings.SIGNUP_RESEND_INTERVAL_SECONDS,
        per_hour=settings.SIGNUP_SENDS_PER_HOUR,
        sender=sender,
    )


def _refuse_if_too_soon(ledger: SendLedger, now_ts: int, sender: str) -> None:
    if _next_send_at(ledger, now_ts, sender) is not None:
        raise _too_soon(ledger, now_ts, sender)


def _too_soon(ledger: SendLedger, now_ts: int, sender: str) -> SendTooSoon:
    retry_at = _next_send_at(ledger, now_ts, sender)
    if retry_at is None:
        # Only after a lost race, whose winning send counts as just made.
        retry_at = now_ts + settings.SIGNUP_RESEND_INTERVAL_SECONDS
    return SendTooSoon(clock.from_epoch_seconds(retry_at))


def _deliver(
    actor: Actor, audit: AuditContext, signup: Signup, code: str, ledger: SendLedger, sent_ts: int
) -> bool:
    if signup.for_existing_account:
        message, action = emails.existing_account_notice(to=signup.email), "signup.notice"
    else:
        message = emails.signup_code(
            to=signup.email,
            first_name=signup.given_name,
            code=code,
            expires_at=clock.from_epoch_seconds(signup.code_expires_at),
        )
        action = "signup.code"
    try:
        mail.send(message)
    except mail.MailNotSent:
        # The email never left, so it does not count against the limits: the
        # person may ask again at once. If another send got in first, that
        # one's record stands and this send stays counted (the safe side).
        repository.ledger_take_back(ledger, ledger.without_send(sent_ts))
        _audit(actor=actor, audit=audit, action=f"{action}.send_failed", signup=signup, outcome=FAILED)
        return False
    _audit(actor=actor, audit=audit, action=f"{action}.sent", signup=signup)
    return True


def _has_finished_account(email: str) -> bool:
    """Whether the address belongs to an account that is not a self-signup
    someone left half-made (that one the next verified sign-up finishes)."""
    user = cognito.get_pool_user(email)
    return user is not None and not _is_unfinished_signup_user(user)


def _is_unfinished_signup_user(user: cognito.PoolUser) -> bool:
    # Self-signup sets the password last, so a marked user still without a
    # permanent password was never finished (and cannot be signed into).
    return bool(user.attributes.get(cognito.SIGNUP_ATTRIBUTE)) and user.status != CONFIRMED


# --- The code page ------------------------------------------------------------


def signup_verify(*, actor: Actor, audit: AuditContext, ref: SignupRef, code: str) -> None:
    """Check the code: the address is proven, and the person chooses their
    password next (signup_password_set); the second email with the link to
    finish goes now. Raises CodeRefused, SignupClosed or SignupBusy."""
    maximum = settings.SIGNUP_CODE_MAX_ATTEMPTS
    for _attempt in range(OPTIMISTIC_ATTEMPTS):
        _, now_ts = _now()
        signup = selectors.signup_open_get(ref=ref, now_ts=now_ts)
        if signup.is_proven:
            return  # proven already (another tab, or the code sent twice)
        dead = signup.dead_code_reason(now_ts, maximum)
        if dead:
            _audit(
                actor=actor,
                audit=audit,
                action="signup.code.failed",
                signup=signup,
                outcome=DENIED,
                detail={"reason": dead},
            )
            raise CodeRefused(dead)
        if not otp.code_matches(signup.signup_id, code, signup.code_digest):
            tried = signup.with_wrong_try()
            if not _try_transition(
                actor,
                audit,
                "signup.code.failed",
                signup,
                tried,
                outcome=DENIED,
                detail={"reason": CodeRefused.WRONG, "attempts": tried.attempts},
            ):
                continue
            left = tried.attempts_left(maximum)
            raise CodeRefused(CodeRefused.WRONG if left else CodeRefused.EXHAUSTED, attempts_left=left)
        secret = otp.new_link_secret()
        digest = otp.link_digest(secret)
        proven = signup.proven(link_digest=digest)
        tx = Transaction()
        repository.signup_replace(tx, signup, proven)
        repository.link_add(tx, digest=digest, ref=signup.ref, expires_at=signup.expires_at)
        _audit_add(tx, actor=actor, audit=audit, action="signup.code.verified", signup=signup)
        try:
            tx.commit()
        except SignupMoved:
            continue
        _send_finish_link(actor, audit, proven, secret)
        return
    raise SignupBusy


def _send_finish_link(actor: Actor, audit: AuditContext, signup: Signup, secret: str) -> None:
    message = emails.signup_finish_link(
        to=signup.email,
        first_name=signup.given_name,
        secret=secret,
        expires_at=clock.from_epoch_seconds(signup.expires_at),
    )
    try:
        mail.send(message)
    except mail.MailNotSent:
        # The person is on the password page already; the link is the
        # fallback, and starting again is the fallback's fallback.
        _audit(actor=actor, audit=audit, action="signup.link.send_failed", signup=signup, outcome=FAILED)
        return
    _audit(actor=actor, audit=audit, action="signup.link.sent", signup=signup)


def signup_link_open(*, actor: Actor, audit: AuditContext, secret: str) -> SignupRef:
    """The sign-up a finish link belongs to, while its password can still be
    chosen. Raises SignupClosed (audited) for a link that names none, an
    expired or finished one."""
    _, now_ts = _now()
    digest = otp.link_digest(secret) if secret else ""
    found = repository.link_ref_get(digest) if digest else None
    signup = repository.signup_get(found[0].email, found[0].created_at) if found else None
    if (
        signup is None
        or not signup.is_open(now_ts)
        or not signup.is_proven
        or not otp.link_matches(secret, signup.link_digest)
    ):
        audit_record(
            actor=actor,
            audit=audit,
            action="signup.link.opened",
            outcome=DENIED,
            resource_type="signup",
            resource_id=signup.signup_id if signup else "",
            detail={"reason": "closed" if signup else "unknown"},
        )
        raise SignupClosed
    _audit(actor=actor, audit=audit, action="signup.link.opened", signup=signup)
    return signup.ref


def signup_password_set(
    *, actor: Actor, audit: AuditContext, ref: SignupRef, password: str, language: str = ""
) -> str:
    """The person, their address proven, chooses their password: the account
    is made with it at once; the new patient's id. Raises NotProven (the
    code was not entered), SignupClosed, AccountAlreadyExists or
    PasswordRefused (the pool's own check; they choose another)."""
    _, now_ts = _now()
    signup = selectors.signup_open_get(ref=ref, now_ts=now_ts)
    if not signup.is_proven:
        raise NotProven
    return _finish_account(actor, audit, signup, password, language)


def _try_transition(
    actor: Actor,
    audit: AuditContext,
    action: str,
    before: Signup,
    after: Signup,
    *,
    outcome: str = ALLOWED,
    detail: dict | None = None,
) -> bool:
    """Move the sign-up on with its audit event; False if a concurrent
    request moved it first (the caller looks again)."""
    tx = Transaction()
    repository.signup_replace(tx, before, after)
    _audit_add(tx, actor=actor, audit=audit, action=action, signup=before, outcome=outcome, detail=detail)
    try:
        tx.commit()
    except SignupMoved:
        return False
    return True


# --- Making the account -------------------------------------------------------


def _finish_account(actor: Actor, audit: AuditContext, signup: Signup, password: str, language: str) -> str:
    """Every step looks for what an earlier, interrupted run made, so running
    this again (or twice at once) ends with one complete account. The
    password is set last: until then the user has none anyone knows (made
    without one, no invitation sent), so a run cut short leaves nothing that
    can be signed into."""
    user = cognito.get_pool_user(signup.email) or cognito.create_signup_user(
        email=signup.email,
        given_name=signup.given_name,
        family_name=signup.family_name,
        signup_id=signup.signup_id,
    )
    if not _may_finish(user, signup):
        _audit(actor=actor, audit=audit, action="signup.account.exists", signup=signup, outcome=DENIED)
        raise AccountAlreadyExists
    if Role.PATIENT.value not in cognito.groups_of(signup.email):
        cognito.add_to_group(signup.email, Role.PATIENT.value)
    earlier_signup = user.attributes.get(cognito.SIGNUP_ATTRIBUTE, "") != signup.signup_id
    _record_patient(actor, audit, signup, user.sub, replace_unfinished=earlier_signup, language=language)
    try:
        cognito.set_permanent_password(signup.email, password)
    except cognito.PasswordNotAccepted as refused:
        _audit(
            actor=actor, audit=audit, action="signup.account.password_refused", signup=signup, outcome=FAILED
        )
        raise PasswordRefused from refused
    _mark_verified(actor, audit, signup, user.sub)
    return user.sub


def _may_finish(user: cognito.PoolUser, signup: Signup) -> bool:
    """Ours to finish: made by this sign-up, or by an earlier self-signup of
    the same address that never got as far as its patient record. The person
    has just proved they read this address's mail, as they did then."""
    marker = user.attributes.get(cognito.SIGNUP_ATTRIBUTE, "")
    return marker == signup.signup_id or _is_unfinished_signup_user(user)


def _record_patient(
    actor: Actor,
    audit: AuditContext,
    signup: Signup,
    patient_id: str,
    *,
    replace_unfinished: bool,
    language: str = "",
) -> None:
    """The patient record, once: an earlier run of this sign-up made it
    already (PatientExists for the same id is that), or an earlier sign-up
    that never got its password did, and this sign-up's details replace
    its (no one could ever sign into that account)."""
    now, _ = _now()
    patient = Patient(
        patient_id=patient_id,
        email=signup.email,
        given_name=signup.given_name,
        family_name=signup.family_name,
        date_of_birth=signup.date_of_birth,
        phone=signup.phone,
        created_at=clock.stamp(now),
        # The language they signed up in: their pages and emails stay in it.
        preferred_language=language,
    )
    tx = Transaction()
    patient_services.patient_add(tx=tx, patient=patient)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="signup.account.created",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        detail={"signup_id": signup.signup_id},
    )
    try:
        tx.commit()
    except PatientExists:
        if not replace_unfinished:
            return  # made by an earlier run of this sign-up (the id is the user's sub)
        existing = patients.patient_get(patient_id=patient_id)
        if existing is None:
            raise SignupBusy from None
        tx = Transaction()
        patient_services.patient_signup_replace(
            tx=tx,
            patient=replace(patient, version=existing.version + 1, created_at=existing.created_at),
            expected_version=existing.version,
        )
        _audit_add(tx, actor=actor, audit=audit, action="signup.account.replaced", signup=signup)
        try:
            tx.commit()
        except ConcurrentUpdate:
            raise SignupBusy from None


def _mark_verified(actor: Actor, audit: AuditContext, signup: Signup, patient_id: str) -> None:
    now, _ = _now()
    tx = Transaction()
    repository.signup_replace(tx, signup, signup.verified(patient_id=patient_id, at=now))
    _audit_add(tx, actor=actor, audit=audit, action="signup.account.finished", signup=signup)
    try:
        tx.commit()
    except SignupMoved:
        latest = repository.signup_get(signup.email, signup.created_at)
        if latest is None or latest.status != VERIFIED or latest.patient_id != patient_id:
            raise AccountAlreadyExists from None
        # A concurrent submit of this sign-up's password finished first: same account.
