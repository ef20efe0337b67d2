"""ID tokens signed by the stack's own key.

moto's ID tokens lack `email` and `nonce`, so the hosted UI mints its own
with the claims a real pool's hosted UI puts there, signed with a key that is
published at /{poolId}/.well-known/jwks.json.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .user_pools import UserProfile

ID_TOKEN_LIFETIME_SECONDS = 3600
OPTIONAL_NAME_CLAIMS = ("given_name", "family_name")


class TokenSigner:
    """One RSA key per process, made on first use so importing costs nothing."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: rsa.RSAPrivateKey | None = None
        self._kid = ""

    def jwks(self) -> dict:
        key, kid = self._signing_key()
        public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, claims: dict) -> str:
        key, kid = self._signing_key()
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def _signing_key(self) -> tuple[rsa.RSAPrivateKey, str]:
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                self._kid = secrets.token_urlsafe(12)
            return self._key, self._kid


def id_token_claims(
    *,
    issuer: str,
    client_id: str,
    profile: UserProfile,
    auth_time: int,
    nonce: str | None,
    access_token: str,
) -> dict:
    attributes = profile.attributes
    now = int(time.time())
    claims = {
        "sub": attributes["sub"],
        "iss": issuer,
        "aud": client_id,
        "token_use": "id",
        "auth_time": auth_time,
        "iat": now,
        "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        "jti": str(uuid.uuid4()),
        "at_hash": _at_hash(access_token),
        "cognito:username": profile.username,
    }
    if "email" in attributes:
        claims["email"] = attributes["email"]
        claims["email_verified"] = attributes.get("email_verified") == "true"
    claims.update({name: attributes[name] for name in OPTIONAL_NAME_CLAIMS if name in attributes})
    if profile.groups:
        claims["cognito:groups"] = list(profile.groups)
    if nonce:
        claims["nonce"] = nonce
    return claims


def _at_hash(access_token: str) -> str:
    """OpenID Connect's at_hash: the left half of SHA-256, base64url, unpadded."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
