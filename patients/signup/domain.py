"""Self-signup as plain data and rules: a sign-up in progress (one row of
the patient-provisional table), the ledger of codes sent to an address,
and the refusals a visitor can meet. No Django, no boto3."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from medisecure import clock
from medisecure.errors import DomainError

PENDING = "pending"  # waiting for the emailed code
PROVEN = "proven"  # the code was right: waiting for the person to choose their password
VERIFIED = "verified"  # the account and patient record exist, with the password


@dataclass(frozen=True)
class SignupDetails:
    """What a person gives to sign up. No password: that is chosen only once
    the address is proven, and goes straight to the user pool."""

    email: str
    given_name: str
    family_name: str
    date_of_birth: str
    phone: str


@dataclass(frozen=True)
class Signup:
    """One sign-up in progress: a patient-provisional row.

    A sign-up for an email that already has an account holds no personal
    details, no password and a code digest that no 6-digit code matches, so
    it behaves exactly like any other sign-up from the outside and can never
    make a second account."""

    email: str
    # clock.stamp() of when it started; with email, the row's key (and the
    # StatusIndex sort key), so it is written once and never rewritten.
    created_at: str
    signup_id: str
    status: str
    for_existing_account: bool
    code_digest: str
    code_expires_at: int  # epoch seconds
    attempts: int
    expires_at: int  # epoch seconds: the sign-up itself can no longer be finished
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    phone: str = ""
    # HMAC of the secret in the finish link emailed once the code is proven
    # (patients.signup.otp): the link itself cannot be rebuilt from the row.
    link_digest: str = ""
    patient_id: str = ""
    verified_at: str = ""

    @property
    def ref(self) -> SignupRef:
        return SignupRef(email=self.email, created_at=self.created_at)

    def is_open(self, now: int) -> bool:
        return self.status in (PENDING, PROVEN) and now < self.expires_at

    @property
    def is_proven(self) -> bool:
        return self.status == PROVEN

    def code_expired(self, now: int) -> bool:
        return now >= self.code_expires_at

    def attempts_left(self, max_attempts: int) -> int:
        return max(0, max_attempts - self.attempts)

    def dead_code_reason(self, now: int, max_attempts: int) -> str | None:
        """Why no code can be right any more (CodeRefused.EXHAUSTED or
        EXPIRED), or None while the code is alive."""
        if self.attempts >= max_attempts:
            return CodeRefused.EXHAUSTED
        if self.code_expired(now):
            return CodeRefused.EXPIRED
        return None

    def with_new_code(self, *, code_digest: str, code_expires_at: int) -> Signup:
        """A fresh code (the old one stops matching) with all its tries."""
        return replace(self, code_digest=code_digest, code_expires_at=code_expires_at, attempts=0)

    def with_wrong_try(self) -> Signup:
        return replace(self, attempts=self.attempts + 1)

    def proven(self, *, link_digest: str) -> Signup:
        """The code was right: the address is proven, the code is of no
        further use, and the person chooses their password next (on the
        next page, or from the link emailed now)."""
        return replace(self, status=PROVEN, code_digest="", link_digest=link_digest)

    def verified(self, *, patient_id: str, at: datetime) -> Signup:
        """The account exists, with its password. The finish link is of no
        further use, so it is dropped."""
        return replace(
            self,
            status=VERIFIED,
            patient_id=patient_id,
            verified_at=clock.stamp(at),
            code_digest="",
            link_digest="",
        )


@dataclass(frozen=True)
class SignupRef:
    """Which sign-up a browser is in the middle of (its session keeps it):
    the key of its row."""

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
    proven: bool = False  # the code was right: the password comes next


@dataclass(frozen=True)
class SendLedger:
    """When codes were last emailed to one address, and from which client
    address (as a keyed hash) each was asked for, for the resend rules: not
    again within `interval` seconds of the last send (whoever asked), and at
    most `per_hour` sends in any hour asked for from one client address, so
    someone else asking for this address can neither flood its owner nor
    lock the owner out."""

    email: str
    sent_at: tuple[int, ...] = ()  # epoch seconds, oldest first, the last hour only
    version: int = 0  # 0: never written
    senders: tuple[str, ...] = ()  # beside sent_at: who asked for each send

    def next_send_at(self, now: int, *, interval: int, per_hour: int, sender: str = "") -> int | None:
        """When the next send `sender` asks for is allowed, or None if now."""
        recent = self._last_hour(now)
        waits = []
        if recent and now < recent[-1][0] + interval:
            waits.append(recent[-1][0] + interval)
        theirs = [moment for moment, who in recent if who == sender]
        if len(theirs) >= per_hour:
            waits.append(theirs[-per_hour] + 3600)
        return max(waits) if waits else None

    def with_send(self, now: int, sender: str = "") -> SendLedger:
        kept = (*self._last_hour(now), (now, sender))
        return self._of(kept, version=self.version + 1)

    def without_send(self, sent: int) -> SendLedger:
        """This ledger with one send taken back (the mail was never accepted)."""
        kept = list(self._pairs())
        for index in range(len(kept) - 1, -1, -1):
            if kept[index][0] == sent:
                del kept[index]
                break
        return self._of(tuple(kept), version=self.version + 1)

    def _pairs(self) -> tuple[tuple[int, str], ...]:
        # A ledger written before senders were kept has none: "" each.
        senders = self.senders + ("",) * (len(self.sent_at) - len(self.senders))
        return tuple(zip(self.sent_at, senders))

    def _last_hour(self, now: int) -> tuple[tuple[int, str], ...]:
        return tuple(pair for pair in self._pairs() if pair[0] > now - 3600)

    def _of(self, pairs: tuple[tuple[int, str], ...], *, version: int) -> SendLedger:
        return replace(
            self,
            sent_at=tuple(moment for moment, _ in pairs),
            senders=tuple(who for _, who in pairs),
            version=version,
        )


# --- What a visitor can be told -------------------------------------------------


class SendTooSoon(DomainError):
    def __init__(self, retry_at: datetime):
        super().__init__(clock.stamp(retry_at))
        self.retry_at = retry_at


class SignupClosed(DomainError):
    """No sign-up to continue: never started, finished, or too old."""


class CodeRefused(DomainError):
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"

    def __init__(self, reason: str, attempts_left: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.attempts_left = attempts_left


class AccountAlreadyExists(DomainError):
    """The email belongs to an account this sign-up did not make."""


class PasswordRefused(DomainError):
    """The user pool refused the chosen password; the person chooses another
    (nothing that could sign in was made)."""


class NotProven(DomainError):
    """The sign-up's code has not been entered yet: no password can be
    chosen for it."""


class SignupBusy(DomainError):
    """Other requests kept changing this sign-up; trying again will work."""


# --- The guards of the table's writes (raised by a unit of work's commit) ----------


class SignupMoved(DomainError):
    """A concurrent request moved the sign-up on since it was read (or, for a
    new one, a row with its key is there already)."""


class SendLedgerMoved(DomainError):
    """Another send to the address was recorded since its ledger was read."""
