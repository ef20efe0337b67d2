"""One-time codes and the password a person chose, kept safe until their
account is made.

A code is stored only as HMAC-SHA256 under a key from settings, bound to its
sign-up, and compared in constant time: someone who reads the table cannot
test the million possible codes without the key. The password is sealed with
AES-GCM under a second key derived from the same secret, bound to its
sign-up, and removed from the row once the account exists."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

CODE_DIGITS = 6
NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed password that does not open with this key and sign-up."""


def _key(purpose: bytes) -> bytes:
    # One setting, a separate key per use, so neither use can stand in for
    # the other.
    return hmac.new(settings.SIGNUP_SECRET_KEY.encode("utf-8"), purpose, hashlib.sha256).digest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(signup_id: str, code: str) -> str:
    message = f"{signup_id}:{code}".encode("utf-8")
    return hmac.new(_key(b"medisecure/signup/code"), message, hashlib.sha256).hexdigest()


def unmatchable_digest(signup_id: str) -> str:
    """A digest no 6-digit code matches: a long random secret, thrown away."""
    return code_digest(signup_id, secrets.token_hex(32))


def code_matches(signup_id: str, code: str, digest: str) -> bool:
    return hmac.compare_digest(code_digest(signup_id, code), digest)


def seal_password(signup_id: str, password: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(b"medisecure/signup/password")).encrypt(
        nonce, password.encode("utf-8"), signup_id.encode("utf-8")
    )
    return base64.b64encode(nonce + sealed).decode("ascii")


def open_password(signup_id: str, sealed: str) -> str:
    try:
        raw = base64.b64decode(sealed.encode("ascii"), validate=True)
        plain = AESGCM(_key(b"medisecure/signup/password")).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], signup_id.encode("utf-8")
        )
    except (InvalidTag, ValueError) as exc:
        raise SealBroken from exc
    return plain.decode("utf-8")
