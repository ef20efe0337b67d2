"""Signing in through Cognito with mozilla-django-oidc, with the checks the
library leaves out: the ID token's issuer, audience, token_use and expiry,
users keyed on `sub` (not email), `email_verified` parsed from Cognito's
string form, and the role recomputed from `cognito:groups` at every sign-in.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from medisecure.identity import cognito
from medisecure.identity.roles import STAFF_ROLES, role_from_groups

logger = logging.getLogger(__name__)

# The pool's key set is kept this long, and fetched again at most once per
# cooldown when a token names a key not in it (Cognito rotates keys; a flood
# of tokens with made-up kids must not become a flood of fetches).
JWKS_LIFESPAN_SECONDS = 3600
JWKS_REFETCH_COOLDOWN_SECONDS = 60
CLOCK_SKEW_SECONDS = 30


class SignInRefused(Exception):
    """The identity provider's answer did not pass our checks."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SigningKeysUnreachable(Exception):
    """The user pool's key set could not be fetched: the sign-in cannot be
    checked now, and may work later."""


class _PoolSigningKeys:
    """The user pool's signing keys through PyJWT's PyJWKClient (its key-set
    cache with a lifespan, its timeout, one refetch on an unknown `kid` per
    cooldown), with one client per JWKS URL: settings name the pool."""

    def __init__(self):
        self._lock = threading.Lock()
        self._client: jwt.PyJWKClient | None = None

    def client(self) -> jwt.PyJWKClient:
        url = settings.OIDC_OP_JWKS_ENDPOINT
        with self._lock:
            if self._client is None or self._client.uri != url:
                self._client = jwt.PyJWKClient(
                    url,
                    cache_jwk_set=True,
                    lifespan=JWKS_LIFESPAN_SECONDS,
                    timeout=settings.OIDC_TIMEOUT,
                    cooldown_duration=JWKS_REFETCH_COOLDOWN_SECONDS,
                )
            return self._client

    def key_for(self, kid: str) -> jwt.PyJWK:
        try:
            key = self.client().get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as exc:
            raise SigningKeysUnreachable() from exc
        except (jwt.PyJWKClientError, jwt.PyJWKSetError) as exc:
            raise SignInRefused("unknown_signing_key") from exc
        # Only the pool's RSA keys for RS256 sign its ID tokens.
        if key.key_type != "RSA" or key.algorithm_name != "RS256":
            raise SignInRefused("unknown_signing_key")
        return key


jwks = _PoolSigningKeys()


def verify_id_token(token: str, *, nonce: str | None) -> dict:
    """The claims of a Cognito ID token, or SignInRefused."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise SignInRefused("malformed_token") from exc
    if header.get("alg") != "RS256":
        raise SignInRefused("algorithm_not_allowed")
    key = jwks.key_for(str(header.get("kid", "")))
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=settings.COGNITO_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise SignInRefused("token_expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise SignInRefused("wrong_audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise SignInRefused("wrong_issuer") from exc
    except jwt.PyJWTError as exc:
        raise SignInRefused("invalid_token") from exc
    if claims.get("token_use") != "id":
        raise SignInRefused("not_an_id_token")
    if settings.OIDC_USE_NONCE and (not nonce or claims.get("nonce") != nonce):
        raise SignInRefused("nonce_mismatch")
    return claims


def is_true(value) -> bool:
    """Cognito's userInfo says email_verified as the string "true"/"false"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


class CognitoOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        """As the library does, but a refused or failed sign-in returns None
        and leaves its reason on the request for the callback view to show
        and audit, instead of raising into a 400 or 500 page."""
        if request is None:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SignInRefused as refused:
            request.sign_in_failure = refused.reason
        except (
            requests.ConnectionError,
            requests.Timeout,
            cognito.CognitoUnavailable,
            SigningKeysUnreachable,
        ):
            logger.warning("sign-in service unreachable during sign-in")
            request.sign_in_failure = "unavailable"
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            request.sign_in_failure = "unavailable" if status >= 500 else "code_refused"
        return None

    def get_token(self, payload):
        """As the library does; the refresh token is kept on the request for
        the callback view to put in the session (sign-out revokes it)."""
        token_info = super().get_token(payload)
        self.request.oidc_refresh_token = token_info.get("refresh_token") or ""
        return token_info

    def verify_token(self, token, **kwargs):
        return verify_id_token(token, nonce=kwargs.get("nonce"))

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload["sub"]:
            raise SignInRefused("userinfo_subject_mismatch")
        if not is_true(user_info.get("email_verified")):
            raise SignInRefused("email_not_verified")
        role = role_from_groups(payload.get("cognito:groups", []))
        user, created = self.UserModel.objects.get_or_create(username=payload["sub"])
        if not created and not user.is_active:
            # Disabled by an admin: a sign-in never turns an account back on.
            raise SignInRefused("account_disabled")
        user.email = user_info.get("email", "")
        user.role = role.value if role else ""
        user.is_staff = user.is_superuser = role is not None and role.value == "admin"
        if user.has_usable_password():
            # Once only: each call draws a new random unusable hash, and
            # Django's session hash is derived from it, so doing it at every
            # sign-in ended the person's sessions on every other device.
            user.set_unusable_password()
        user.save()
        self._require_mfa_enrolment_if_needed(role, access_token)
        return user

    def _require_mfa_enrolment_if_needed(self, role, access_token) -> None:
        if not settings.STAFF_MFA_REQUIRED or role not in STAFF_ROLES:
            return
        if not cognito.has_totp_mfa(access_token):
            # The callback view moves this into the session after login(),
            # which may flush the session it finds.
            self.request.mfa_enrolment_required = True

    def get_user(self, user_id):
        """The session's user, looked up at every request: one who has been
        disabled since is nobody (signed out)."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def filter_users_by_claims(self, claims):
        sub = claims.get("sub")
        if not sub:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=sub)

    def get_userinfo(self, access_token, id_token, payload):
        try:
            return super().get_userinfo(access_token, id_token, payload)
        except SuspiciousOperation as exc:
            raise SignInRefused("userinfo_refused") from exc


# Each landing page must be registered as a logout URL on the app client.
SIGNED_OUT_LANDINGS = {
    "": "signed-out/",
    "expired": "signed-out/expired/",
    "mfa-ready": "signed-out/mfa-ready/",
}


def logout_urls(site_url: str) -> list[str]:
    return [f"{site_url}/{landing}" for landing in SIGNED_OUT_LANDINGS.values()]


def cognito_logout_url(request=None, *, reason: str = "") -> str:
    """Where signing out sends the browser: Cognito's /logout, which ends the
    hosted UI session and comes back to a registered logout URL."""
    landing = SIGNED_OUT_LANDINGS[reason]
    query = urlencode(
        {"client_id": settings.OIDC_RP_CLIENT_ID, "logout_uri": f"{settings.SITE_URL}/{landing}"}
    )
    return f"{settings.COGNITO_HOSTED_UI_URL}/logout?{query}"
