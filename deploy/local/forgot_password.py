"""Cognito's ForgotPassword and ConfirmForgotPassword, which moto cannot do
as Cognito does: moto delivers no code (it hands it back in a header) and
accepts any code that does not look like its own. Here, as in Cognito:

- ForgotPassword emails a 6-digit code through the stack's own SES (so it
  lands in the outbox) and answers the same whether or not the user exists
  (the pool prevents user existence errors);
- a code lives an hour, only the latest one counts, and it dies at the
  fifth wrong try; a new code for the same user is refused for a minute
  (LimitExceededException), for a user who does not exist too;
- InitiateAuth and AdminInitiateAuth refuse a user whose reset an admin
  forced, until they set a new password with a code;
- ConfirmForgotPassword sets the password through moto's own check of the
  pool's policy, and answers a user who does not exist as a wrong code.

Anything else is moto's to answer."""

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
FORGOT = PREFIX + "ForgotPassword"
CONFIRM = PREFIX + "ConfirmForgotPassword"
# A user whose reset an admin forced (AdminResetUserPassword) may not sign
# in with the old password: Cognito says PasswordResetRequiredException, moto lets them in.
INITIATE_AUTH = PREFIX + "InitiateAuth"
ADMIN_INITIATE_AUTH = PREFIX + "AdminInitiateAuth"

CODE_LIFETIME_SECONDS = 60 * 60
WRONG_TRIES_ALLOWED = 5
RESEND_AFTER_SECONDS = 60
# Cognito's default sender when the pool sends its own email.
SENDER = "no-reply@verificationemail.com"


@dataclass
class _Code:
    digest: bytes
    expires_at: float
    wrong_tries: int = 0


class ForgotPasswordCodes:
    """The codes in flight, by pool and username; cleared with the stack."""

    def __init__(self, *, endpoint_url: str, region: str, clock=time.monotonic):
        self._endpoint_url = endpoint_url
        self._region = region
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[tuple[str, str], _Code] = {}
        self._last_sent: dict[tuple[str, str], float] = {}

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()
            self._last_sent.clear()

    def expire_all(self) -> None:
        """For tests: every code in flight is past its hour."""
        with self._lock:
            for code in self._codes.values():
                code.expires_at = self._clock() - 1

    def handles(self, environ) -> bool:
        return environ.get("HTTP_X_AMZ_TARGET", "") in (FORGOT, CONFIRM, INITIATE_AUTH, ADMIN_INITIATE_AUTH)

    def __call__(self, environ, start_response, moto_app):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return _error(start_response, "InvalidParameterException", "The request is not JSON.")
        if environ["HTTP_X_AMZ_TARGET"] in (INITIATE_AUTH, ADMIN_INITIATE_AUTH):
            return self._initiate_auth(environ, start_response, moto_app, body)
        found = _pool_and_user(str(body.get("ClientId", "")), str(body.get("Username", "")))
        if found is None:
            return _error(start_response, "ResourceNotFoundException", "The app client is not known.")
        backend, pool, user = found
        # A code belongs to the user, whichever of their names (username or
        # email) asked for it or uses it.
        name = user.username if user is not None else str(body.get("Username", "")).strip().lower()
        key = (pool.id, name)
        if environ["HTTP_X_AMZ_TARGET"] == FORGOT:
            return self._forgot(start_response, key, user)
        return self._confirm(start_response, key, backend, pool, user, body)

    def _initiate_auth(self, environ, start_response, moto_app, body):
        parameters = body.get("AuthParameters") or {}
        username = str(parameters.get("USERNAME", "")) if isinstance(parameters, dict) else ""
        found = _pool_and_user(str(body.get("ClientId", "")), username) if username else None
        user = found[2] if found else None
        if user is not None and getattr(user.status, "value", user.status) == "RESET_REQUIRED":
            return _error(
                start_response, "PasswordResetRequiredException", "Password reset required for the user"
            )
        return moto_app(environ, start_response)

    def _forgot(self, start_response, key, user):
        now = self._clock()
        with self._lock:
            if now - self._last_sent.get(key, -RESEND_AFTER_SECONDS) < RESEND_AFTER_SECONDS:
                return _error(
                    start_response,
                    "LimitExceededException",
                    "Attempt limit exceeded, please try after some time.",
                )
            self._last_sent[key] = now
            code = f"{secrets.randbelow(1_000_000):06d}"
            if user is not None:
                self._codes[key] = _Code(digest=_digest(code), expires_at=now + CODE_LIFETIME_SECONDS)
        email = user.attribute_lookup.get("email", "") if user is not None else ""
        if email:
            self._send(email, code)
        delivery = {
            "Destination": _masked(email or key[1]),
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }
        return _answer(start_response, {"CodeDeliveryDetails": delivery})

    def _confirm(self, start_response, key, backend, pool, user, body):
        given = str(body.get("ConfirmationCode", ""))
        with self._lock:
            code = self._codes.get(key)
            if code is None or user is None or code.expires_at <= self._clock():
                if code is not None and code.expires_at <= self._clock():
                    del self._codes[key]
                # No user and no code answer alike: a wrong code, or an expired one.
                if user is None:
                    return _error(
                        start_response,
                        "CodeMismatchException",
                        "Invalid verification code provided, please try again.",
                    )
                return _error(
                    start_response,
                    "ExpiredCodeException",
                    "Invalid code provided, please request a code again.",
                )
            if not hmac.compare_digest(code.digest, _digest(given)):
                code.wrong_tries += 1
                if code.wrong_tries >= WRONG_TRIES_ALLOWED:
                    del self._codes[key]
                    return _error(
                        start_response,
                        "LimitExceededException",
                        "Attempt limit exceeded, please try after some time.",
                    )
                return _error(
                    start_response,
                    "CodeMismatchException",
                    "Invalid verification code provided, please try again.",
                )
        try:
            # moto checks the pool's password policy here, as Cognito does.
            backend.admin_set_user_password(pool.id, user.username, str(body.get("Password", "")), True)
        except Exception as refused:  # moto's InvalidPasswordException and kin
            code_name = getattr(refused, "error_type", "InvalidPasswordException")
            return _error(start_response, code_name, getattr(refused, "message", str(refused)))
        with self._lock:
            self._codes.pop(key, None)
        return _answer(start_response, {})

    def _send(self, email: str, code: str) -> None:
        ses = build_client(
            "ses",
            region=self._region,
            endpoint_url=self._endpoint_url,
            access_key_id=LOCAL_ACCESS_KEY_ID,
            secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        )
        ses.verify_email_identity(EmailAddress=SENDER)
        text = (
            f"Your password reset code is {code}\n\n"
            "It works for one hour. If you did not ask to reset your password, ignore this email: "
            "your password stays as it is."
        )
        ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [email]},
            Message={"Subject": {"Data": "Your password reset code"}, "Body": {"Text": {"Data": text}}},
        )


def _pool_and_user(client_id: str, username: str):
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            for pool in backend.user_pools.values():
                if client_id in pool.clients:
                    return backend, pool, pool._get_user(username) if username else None
    return None


def _digest(code: str) -> bytes:
    return hashlib.sha256(code.strip().encode("utf-8")).digest()


def _masked(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain[:1]}***"


def _answer(start_response, payload: dict):
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1")])
    return [json.dumps(payload).encode()]


def _error(start_response, error_type: str, message: str):
    payload = {"__type": error_type, "message": message}
    start_response(
        "400 Bad Request",
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", error_type)],
    )
    return [json.dumps(payload).encode()]
