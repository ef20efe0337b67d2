"""The hosted UI's own state: sign-ins in progress, hosted sessions and
authorization codes.

It lives in memory, like moto's state: a restart or POST /moto-api/reset
clears both together. Every record expires; expired ones are refused even
before the next clean-up removes them.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from .user_pools import AppClient

SIGN_IN_LIFETIME_SECONDS = 10 * 60
SESSION_LIFETIME_SECONDS = 60 * 60  # Cognito's hosted UI session lasts an hour
CODE_LIFETIME_SECONDS = 5 * 60


@dataclass(frozen=True)
class AuthorizeRequest:
    """A checked /oauth2/authorize request, carried through the sign-in."""

    client: AppClient
    redirect_uri: str
    scope: str
    code_challenge: str
    state: str | None
    nonce: str | None


@dataclass
class SignIn:
    """A sign-in in progress. Holds Cognito's challenge session, never a password."""

    request: AuthorizeRequest
    csrf_token: str
    expires_at: float
    # As typed at the password step (shown back on the pages), and the
    # pool's username for the person once the password is right.
    email: str = ""
    username: str = ""
    challenge: str | None = None
    cognito_session: str | None = None
    totp_secret: str | None = None


@dataclass(frozen=True)
class HostedSession:
    """Who is signed in to the hosted UI in one browser, for one pool.

    The refresh token lets a later /oauth2/authorize for the same client get
    fresh tokens without a password, as Cognito's SSO does.
    """

    pool_id: str
    client_id: str
    username: str
    refresh_token: str
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class IssuedCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    expires_at: float
    id_token: str
    access_token: str
    refresh_token: str


class Store:
    def __init__(self):
        self._lock = threading.Lock()
        self._sign_ins: dict[str, SignIn] = {}
        self._sessions: dict[str, HostedSession] = {}
        self._codes: dict[str, IssuedCode] = {}
        self._id_token_overrides: dict[str, dict] = {}

    def start_sign_in(self, request: AuthorizeRequest, csrf_token: str) -> tuple[str, SignIn]:
        sign_in = SignIn(
            request=request,
            csrf_token=csrf_token,
            expires_at=time.monotonic() + SIGN_IN_LIFETIME_SECONDS,
        )
        return self._add(self._sign_ins, sign_in), sign_in

    def sign_in(self, sign_in_id: str, csrf_token: str) -> SignIn | None:
        """The sign-in, if it exists and was started by this browser."""
        with self._lock:
            sign_in = _live(self._sign_ins, sign_in_id)
        if sign_in and hmac.compare_digest(sign_in.csrf_token.encode(), csrf_token.encode()):
            return sign_in
        return None

    def end_sign_in(self, sign_in_id: str) -> None:
        with self._lock:
            self._sign_ins.pop(sign_in_id, None)

    def start_session(
        self, *, client: AppClient, username: str, refresh_token: str
    ) -> tuple[str, HostedSession]:
        # A new id at every sign-in, so a session id known before sign-in is worthless.
        session = HostedSession(
            pool_id=client.pool_id,
            client_id=client.client_id,
            username=username,
            refresh_token=refresh_token,
            auth_time=int(time.time()),
            expires_at=time.monotonic() + SESSION_LIFETIME_SECONDS,
        )
        return self._add(self._sessions, session), session

    def session(self, session_id: str, pool_id: str) -> HostedSession | None:
        with self._lock:
            session = _live(self._sessions, session_id)
        return session if session and session.pool_id == pool_id else None

    def end_session(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def issue_code(self, **fields) -> str:
        code = IssuedCode(expires_at=time.monotonic() + CODE_LIFETIME_SECONDS, **fields)
        return self._add(self._codes, code)

    def redeem_code(self, code: str) -> IssuedCode | None:
        """The code's grant, at most once: a code is spent by any attempt to use it."""
        with self._lock:
            issued = _live(self._codes, code)
            self._codes.pop(code, None)
        return issued

    def override_next_id_token(self, client_id: str, claims: dict) -> None:
        """Claims to put in the next ID token issued to this client, once:
        how tests make the hosted UI hand the portal a token it must refuse
        (another audience or issuer, expired, an access token's token_use)."""
        with self._lock:
            self._id_token_overrides[client_id] = dict(claims)

    def take_id_token_overrides(self, client_id: str) -> dict:
        with self._lock:
            return self._id_token_overrides.pop(client_id, {})

    def clear(self) -> None:
        with self._lock:
            self._sign_ins.clear()
            self._sessions.clear()
            self._codes.clear()
            self._id_token_overrides.clear()

    def _add(self, records: dict, record) -> str:
        record_id = secrets.token_urlsafe(32)
        with self._lock:
            _drop_expired(records)
            records[record_id] = record
        return record_id


def _live(records: dict, record_id: str):
    record = records.get(record_id)
    return record if record and record.expires_at > time.monotonic() else None


def _drop_expired(records: dict) -> None:
    now = time.monotonic()
    for record_id in [key for key, record in records.items() if record.expires_at <= now]:
        del records[record_id]
