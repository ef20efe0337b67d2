"""One-time codes, and the secret of the link that finishes a sign-up.

A code is stored only as HMAC-SHA256 under a key from settings
(SIGNUP_SECRET_KEY), bound to its sign-up, and compared in constant time:
someone who reads the table cannot test the million possible codes without
the key. The finish link's secret is long and random and kept only as its
HMAC under a second key derived from the same setting. Nothing stored can
be turned back into a code, a link or a password (no password is stored at
all: it goes straight to the user pool)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CODE_DIGITS = 6
LINK_SECRET_BYTES = 32


def _key(purpose: bytes) -> bytes:
    # One setting, a separate key per use, so neither use can stand in for
    # the other.
    return hmac.new(settings.SIGNUP_SECRET_KEY.encode("utf-8"), purpose, hashlib.sha256).digest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(signup_id: str, code: str) -> str:
    message = f"{signup_id}:{code}".encode()
    return hmac.new(_key(b"medisecure/signup/code"), message, hashlib.sha256).hexdigest()


def unmatchable_digest(signup_id: str) -> str:
    """A digest no 6-digit code matches: a long random secret, thrown away."""
    return code_digest(signup_id, secrets.token_hex(32))


def code_matches(signup_id: str, code: str, digest: str) -> bool:
    return hmac.compare_digest(code_digest(signup_id, code), digest)


def new_link_secret() -> str:
    return secrets.token_urlsafe(LINK_SECRET_BYTES)


def link_digest(secret: str) -> str:
    """What the table keeps of a finish link's secret (also the key of the
    small item that points from the link to its sign-up)."""
    return hmac.new(_key(b"medisecure/signup/link"), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def link_matches(secret: str, digest: str) -> bool:
    return bool(digest) and hmac.compare_digest(link_digest(secret), digest)


def sender_digest(client_address: str) -> str:
    """A client address as the send ledger keeps it: keyed, short, no address."""
    key = _key(b"medisecure/signup/sender")
    return hmac.new(key, client_address.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
