"""A person's own email change, which moto does not do as Cognito does: it
writes a new email at once, sends no code and has no VerifyUserAttribute.
Here, as in a pool whose UserAttributeUpdateSettings require email to be
verified before an update:

- AdminUpdateUserAttributes (or UpdateUserAttributes, where the app client
  may write email) with a new email and without email_verified keeps the
  old one (and its email_verified) in force, holds the new one as pending and emails a
  6-digit code to the new address through the stack's own SES (the outbox);
  other attributes in the same call are moto's to write;
- GetUserAttributeVerificationCode sends a fresh code for the pending
  address; a new code for the same user is refused for a minute
  (LimitExceededException), and only the latest code counts;
- VerifyUserAttribute with the right code, within 24 hours, makes the
  pending address the email, verified; a wrong code changes nothing, and
  the fifth wrong one kills the code (LimitExceededException);
- where the pool signs in by email (UsernameAttributes), an address another
  user has is refused, at the update and again at the verification
  (AliasExistsException), and nothing changes.

Pools without that setting, and every other call, are moto's to answer."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import threading
import time
from dataclasses import dataclass

from moto.cognitoidp.models import cognitoidp_backends

from medisecure.aws import build_client

from .user_pools import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY

PREFIX = "AWSCognitoIdentityProviderService."
UPDATE = PREFIX + "UpdateUserAttributes"
ADMIN_UPDATE = PREFIX + "AdminUpdateUserAttributes"
RESEND = PREFIX + "GetUserAttributeVerificationCode"
VERIFY = PREFIX + "VerifyUserAttribute"

# Cognito's attribute verification codes work for 24 hours.
CODE_LIFETIME_SECONDS = 24 * 60 * 60
WRONG_TRIES_ALLOWED = 5
RESEND_AFTER_SECONDS = 60
SENDER = "no-reply@verificationemail.com"


@dataclass
class _Pending:
    email: str
    digest: bytes
    expires_at: float
    wrong_tries: int = 0


class EmailChangeCodes:
    """The pending addresses and their codes, by pool and username; cleared with the stack."""

    def __init__(self, *, endpoint_url: str, region: str, clock=time.monotonic):
        self._endpoint_url = endpoint_url
        self._region = region
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._last_sent: dict[tuple[str, str], float] = {}

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._last_sent.clear()

    def expire_all(self) -> None:
        """For tests: every code in flight is past its 24 hours."""
        with self._lock:
            for pending in self._pending.values():
                pending.expires_at = self._clock() - 1

    def handles(self, environ) -> bool:
        return environ.get("HTTP_X_AMZ_TARGET", "") in (UPDATE, ADMIN_UPDATE, RESEND, VERIFY)

    def __call__(self, environ, start_response, moto_app):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return moto_app(environ, start_response)
        target = environ["HTTP_X_AMZ_TARGET"]
        if target == ADMIN_UPDATE:
            found = _pool_and_named_user(str(body.get("UserPoolId", "")), str(body.get("Username", "")))
        else:
            found = _pool_and_user(str(body.get("AccessToken", "")))
        if (
            found is None
            and target in (RESEND, VERIFY)
            and not _token_known(str(body.get("AccessToken", "")))
        ):
            # Expired, revoked or made up: Cognito's answer (moto has no such call).
            return _error(start_response, "NotAuthorizedException", "Invalid Access Token")
        if found is None:
            return moto_app(environ, start_response)
        _, pool, user = found
        key = (pool.id, user.username)
        if target in (UPDATE, ADMIN_UPDATE):
            return self._update(environ, start_response, moto_app, key, pool, user, body)
        if str(body.get("AttributeName", "")) != "email":
            return moto_app(environ, start_response)
        if target == RESEND:
            return self._resend(start_response, key)
        return self._verify(start_response, key, pool, user, str(body.get("Code", "")))

    def _update(self, environ, start_response, moto_app, key, pool, user, body):
        entries = [entry for entry in body.get("UserAttributes", []) if isinstance(entry, dict)]
        values = {str(entry.get("Name", "")): str(entry.get("Value", "")) for entry in entries}
        new_email = values.get("email")
        # Marked verified in the same call, the address takes effect at once (as in Cognito).
        if new_email is None or values.get("email_verified", "").lower() == "true":
            return moto_app(environ, start_response)
        if _held_by_another(pool, user, new_email):
            return _alias_exists(start_response)
        others = [entry for entry in entries if entry.get("Name") != "email"]
        if others:
            answer = _call_moto(moto_app, environ, {**body, "UserAttributes": others})
            if answer[0] != 200:
                return _relay(start_response, answer)
        if new_email.strip().lower() == user.attribute_lookup.get("email", "").lower():
            # The address it already has: nothing to verify.
            with self._lock:
                self._pending.pop(key, None)
            return _answer(start_response, {"CodeDeliveryDetailsList": []})
        with self._lock:
            if not self._may_send(key):
                return _limited(start_response)
            code = self._new_code(key, new_email)
        self._send(new_email, code)
        return _answer(start_response, {"CodeDeliveryDetailsList": [_delivery(new_email)]})

    def _resend(self, start_response, key):
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                return _error(start_response, "InvalidParameterException", "No email change is waiting.")
            if not self._may_send(key):
                return _limited(start_response)
            code = self._new_code(key, pending.email)
            email = pending.email
        self._send(email, code)
        return _answer(start_response, {"CodeDeliveryDetails": _delivery(email)})

    def _verify(self, start_response, key, pool, user, given):
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                return _mismatch(start_response)
            if pending.expires_at <= self._clock():
                del self._pending[key]
                return _error(
                    start_response,
                    "ExpiredCodeException",
                    "Invalid code provided, please request a code again.",
                )
            if not hmac.compare_digest(pending.digest, _digest(given)):
                pending.wrong_tries += 1
                if pending.wrong_tries >= WRONG_TRIES_ALLOWED:
                    del self._pending[key]
                    return _limited(start_response)
                return _mismatch(start_response)
            del self._pending[key]
        if _held_by_another(pool, user, pending.email):
            # Taken since the code was sent: the code is spent, the address stays theirs.
            return _alias_exists(start_response)
        user.update_attributes(
            [{"Name": "email", "Value": pending.email}, {"Name": "email_verified", "Value": "true"}]
        )
        return _answer(start_response, {})

    def _may_send(self, key) -> bool:
        now = self._clock()
        if now - self._last_sent.get(key, -RESEND_AFTER_SECONDS) < RESEND_AFTER_SECONDS:
            return False
        self._last_sent[key] = now
        return True

    def _new_code(self, key, email: str) -> str:
        code = f"{secrets.randbelow(1_000_000):06d}"
        self._pending[key] = _Pending(
            email=email, digest=_digest(code), expires_at=self._clock() + CODE_LIFETIME_SECONDS
        )
        return code

    def _send(self, email: str, code: str) -> None:
        ses = build_client(
            "ses",
            region=self._region,
            endpoint_url=self._endpoint_url,
            access_key_id=LOCAL_ACCESS_KEY_ID,
            secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        )
        ses.verify_email_identity(EmailAddress=SENDER)
        text = f"Your verification code is {code}"
        ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [email]},
            Message={"Subject": {"Data": "Your verification code"}, "Body": {"Text": {"Data": text}}},
        )


def _pool_and_user(access_token: str):
    """The backend, pool and user of an access token, where the pool
    requires a new email to be verified before it takes effect."""
    if not access_token:
        return None
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            for pool in backend.user_pools.values():
                issued = pool.access_tokens.get(access_token)
                if issued is not None:
                    return _verifying(backend, pool, issued[1])
    return None


def _token_known(access_token: str) -> bool:
    return any(
        access_token in pool.access_tokens
        for regions in cognitoidp_backends.values()
        for backend in regions.values()
        for pool in backend.user_pools.values()
    )


def _pool_and_named_user(pool_id: str, username: str):
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            pool = backend.user_pools.get(pool_id)
            if pool is not None:
                return _verifying(backend, pool, username)
    return None


def _verifying(backend, pool, username: str):
    settings = pool.extended_config.get("UserAttributeUpdateSettings") or {}
    if "email" not in settings.get("AttributesRequireVerificationBeforeUpdate", []):
        return None
    user = pool._get_user(username)
    return (backend, pool, user) if user is not None else None


def _held_by_another(pool, user, email: str) -> bool:
    """Whether another user of a pool that signs in by email has `email`
    (compared as the pool compares names: UsernameConfiguration)."""
    if "email" not in (pool.extended_config.get("UsernameAttributes") or []):
        return False
    case_sensitive = (pool.extended_config.get("UsernameConfiguration") or {}).get("CaseSensitive", True)
    wanted = email if case_sensitive else email.lower()
    for other in list(pool.users.values()):
        held = other.attribute_lookup.get("email", "")
        if other is not user and (held if case_sensitive else held.lower()) == wanted:
            return True
    return False


def _call_moto(moto_app, environ, body: dict) -> tuple[int, str, list, bytes]:
    raw = json.dumps(body).encode()
    inner = {**environ, "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))}
    status: dict = {}

    def capture(line, headers, exc_info=None):
        status["line"], status["headers"] = line, headers

    content = b"".join(moto_app(inner, capture))
    return int(status["line"].split()[0]), status["line"], status["headers"], content


def _relay(start_response, answer):
    _, line, headers, content = answer
    start_response(line, headers)
    return [content]


def _digest(code: str) -> bytes:
    return hashlib.sha256(code.strip().encode("utf-8")).digest()


def _delivery(address: str) -> dict:
    name, _, domain = address.partition("@")
    return {
        "Destination": f"{name[:1]}***@{domain[:1]}***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


def _answer(start_response, payload: dict):
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1")])
    return [json.dumps(payload).encode()]


def _mismatch(start_response):
    return _error(
        start_response, "CodeMismatchException", "Invalid verification code provided, please try again."
    )


def _alias_exists(start_response):
    return _error(start_response, "AliasExistsException", "An account with the given email already exists.")


def _limited(start_response):
    return _error(
        start_response, "LimitExceededException", "Attempt limit exceeded, please try after some time."
    )


def _error(start_response, error_type: str, message: str):
    payload = {"__type": error_type, "message": message}
    start_response(
        "400 Bad Request",
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", error_type)],
    )
    return [json.dumps(payload).encode()]
