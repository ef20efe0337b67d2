"""The Cognito hosted UI endpoints moto lacks, on top of moto's Cognito API.

Mirrors Cognito's authorization-code flow with PKCE: discovery, JWKS,
/oauth2/authorize (with the hosted session's single sign-on), the sign-in
pages and their challenges under /login, /oauth2/token, /oauth2/userInfo and
/logout. Only the pool's own sign-in is offered; there are no federated
identity providers and no sign-up page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)

from .email_change import EmailChangeCodes
from .forgot_password import ForgotPasswordCodes
from .outbox import SendLog
from .sign_in_attempts import SignInAttempts, TooManyAttempts
from .store import AuthorizeRequest, SignIn, Store
from .tokens import TokenSigner, id_token_claims
from .user_pools import AppClient, AuthResult, SignInExpired, SignInRefused, UserPools

# Both differ from the portal's cookies (medisecure_session, medisecure_csrftoken):
# browsers share cookies across ports, so the names must not collide.
SESSION_COOKIE = "cognito-local-session"
CSRF_COOKIE = "cognito-local-csrf"

SCOPES_SUPPORTED = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"]
# RFC 7636: 43 to 128 characters from the unreserved set.
CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
TOTP_CODE = re.compile(r"[0-9]{6}")
TOTP_ISSUER = "MediSecure (local)"
SIGN_IN_EXPIRED = (
    "This sign-in has expired or was started in another browser. "
    "Go back to the application and sign in again."
)

FORGOT_PASSWORD_PATH = "/account/forgot-password/"

blueprint = Blueprint("hosted_ui", __name__)


@dataclass(frozen=True)
class StackContext:
    """What the hosted UI needs, shared by its requests and reset together."""

    base_url: str
    pools: UserPools
    store: Store
    signer: TokenSigner
    send_log: SendLog
    attempts: SignInAttempts
    forgot_codes: ForgotPasswordCodes
    email_codes: EmailChangeCodes

    def issuer(self, pool_id: str) -> str:
        return f"{self.base_url}/{pool_id}"

    def reset(self) -> None:
        self.store.clear()
        self.send_log.clear()
        self.forgot_codes.clear()
        self.email_codes.clear()


class InvalidAuthorizeRequest(Exception):
    """An authorize request that must not be answered with a redirect."""


# --- discovery ---------------------------------------------------------------


@blueprint.get("/<pool_id>/.well-known/openid-configuration")
def openid_configuration(pool_id: str):
    context = _context()
    _require_pool(context, pool_id)
    base = context.base_url
    return jsonify(
        issuer=context.issuer(pool_id),
        authorization_endpoint=f"{base}/oauth2/authorize",
        token_endpoint=f"{base}/oauth2/token",
        userinfo_endpoint=f"{base}/oauth2/userInfo",
        jwks_uri=f"{context.issuer(pool_id)}/.well-known/jwks.json",
        response_types_supported=["code"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        scopes_supported=SCOPES_SUPPORTED,
        code_challenge_methods_supported=["S256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
    )


@blueprint.get("/<pool_id>/.well-known/jwks.json")
def jwks(pool_id: str):
    context = _context()
    _require_pool(context, pool_id)
    return jsonify(context.signer.jwks())


# --- authorize and sign-in ---------------------------------------------------


@blueprint.get("/oauth2/authorize")
def authorize():
    context = _context()
    try:
        authorize_request = _checked_authorize_request(context.pools, request.args)
    except InvalidAuthorizeRequest as problem:
        return _error_page(str(problem), 400)
    prompt = request.args.get("prompt", "")
    if prompt != "login":
        signed_in = _single_sign_on(context, authorize_request)
        if signed_in:
            return signed_in
    if prompt == "none":
        return redirect(
            _with_query(authorize_request.redirect_uri, error="login_required", state=authorize_request.state)
        )
    csrf_token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    sign_in_id, sign_in = context.store.start_sign_in(authorize_request, csrf_token)
    response = _step_page(sign_in_id, sign_in)
    response.set_cookie(CSRF_COOKIE, csrf_token, httponly=True, samesite="Lax", path="/")
    return response


@blueprint.post("/login")
def login():
    """Every step of a sign-in posts here; the sign-in's state says which step it is."""
    context = _context()
    sign_in_id = request.form.get("sign_in", "")
    csrf_token = request.form.get("csrf_token", "")
    # The token must match this browser's cookie (which another site cannot
    # send with a cross-site POST) and the sign-in it was issued with.
    if not csrf_token or not _same(csrf_token, request.cookies.get(CSRF_COOKIE, "")):
        return _error_page(SIGN_IN_EXPIRED, 400)
    sign_in = context.store.sign_in(sign_in_id, csrf_token)
    if sign_in is None:
        return _error_page(SIGN_IN_EXPIRED, 400)
    try:
        if sign_in.challenge is None:
            context.attempts.count(request.form.get("email", ""))
        result = STEPS[sign_in.challenge](context.pools, sign_in, request.form)
        return _advance(context, sign_in_id, sign_in, result)
    except TooManyAttempts as limited:
        minutes = -(-limited.retry_after_seconds // 60)
        message = f"Too many sign-in attempts for this account. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        response = _step_page(sign_in_id, sign_in, error=message, status=429)
        response.headers["Retry-After"] = str(limited.retry_after_seconds)
        return response
    except SignInRefused as refusal:
        return _step_page(sign_in_id, sign_in, error=str(refusal), status=400)
    except SignInExpired:
        context.store.end_sign_in(sign_in_id)
        return _error_page(SIGN_IN_EXPIRED, 400)


def _check_password(pools: UserPools, sign_in: SignIn, form) -> AuthResult:
    sign_in.email = form.get("email", "").strip()
    password = form.get("password", "")
    if not sign_in.email or not password:
        raise SignInRefused("Enter your email address and password.")
    result = pools.sign_in(sign_in.request.client, sign_in.email, password)
    sign_in.username = result.username or sign_in.email
    return result


def _set_new_password(pools: UserPools, sign_in: SignIn, form) -> AuthResult:
    new_password = form.get("new_password", "")
    if not new_password:
        raise SignInRefused("Enter a new password.")
    if new_password != form.get("confirm_password", ""):
        raise SignInRefused("The two passwords do not match.")
    return pools.set_new_password(
        sign_in.request.client, sign_in.username, sign_in.cognito_session, new_password
    )


def _check_totp(pools: UserPools, sign_in: SignIn, form) -> AuthResult:
    return pools.answer_totp(
        sign_in.request.client, sign_in.username, sign_in.cognito_session, _totp_code(form)
    )


def _finish_totp_setup(pools: UserPools, sign_in: SignIn, form) -> AuthResult:
    return pools.finish_totp_setup(
        sign_in.request.client, sign_in.username, sign_in.cognito_session, _totp_code(form)
    )


# Which step handles a sign-in, by the challenge Cognito last set (None: the password).
STEPS = {
    None: _check_password,
    "NEW_PASSWORD_REQUIRED": _set_new_password,
    "SOFTWARE_TOKEN_MFA": _check_totp,
    "MFA_SETUP": _finish_totp_setup,
}
STEP_TEMPLATES = {
    None: "sign_in.html",
    "NEW_PASSWORD_REQUIRED": "new_password.html",
    "SOFTWARE_TOKEN_MFA": "totp.html",
    "MFA_SETUP": "totp_setup.html",
}


def _totp_code(form) -> str:
    code = form.get("code", "").replace(" ", "")
    if not TOTP_CODE.fullmatch(code):
        raise SignInRefused("Enter the 6-digit code from your authenticator app.")
    return code


def _advance(context: StackContext, sign_in_id: str, sign_in: SignIn, result: AuthResult):
    if result.access_token:
        context.store.end_sign_in(sign_in_id)
        return _signed_in(context, sign_in, result)
    if result.challenge not in STEPS:
        context.store.end_sign_in(sign_in_id)
        return _error_page(
            f"This account needs a sign-in step ({result.challenge}) "
            "that the local hosted UI does not offer.",
            400,
        )
    sign_in.challenge = result.challenge
    sign_in.cognito_session = result.session
    # Cognito names the user in its challenges; later answers must use that name.
    sign_in.username = result.challenge_username or sign_in.username
    if result.challenge == "MFA_SETUP":
        sign_in.totp_secret, sign_in.cognito_session = context.pools.start_totp_setup(result.session)
    return _step_page(sign_in_id, sign_in)


def _signed_in(context: StackContext, sign_in: SignIn, result: AuthResult):
    session_id, session = context.store.start_session(
        client=sign_in.request.client,
        username=sign_in.username,
        refresh_token=result.refresh_token,
    )
    previous_session = request.cookies.get(SESSION_COOKIE)
    if previous_session:
        context.store.end_session(previous_session)
    response = _redirect_with_code(
        context,
        sign_in.request,
        username=sign_in.username,
        auth_time=session.auth_time,
        access_token=result.access_token,
        refresh_token=result.refresh_token,
    )
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Lax", path="/")
    return response


def _single_sign_on(context: StackContext, authorize_request: AuthorizeRequest) -> Response | None:
    """A code straight away when this browser is already signed in to the pool.

    The hosted session holds the refresh token of the client it signed in to,
    so only that client is signed in without a password.
    """
    client = authorize_request.client
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session = context.store.session(session_id, client.pool_id)
    if session is None or session.client_id != client.client_id:
        return None
    try:
        access_token = context.pools.refreshed_access_token(client, session.username, session.refresh_token)
    except SignInExpired:
        context.store.end_session(session_id)
        return None
    return _redirect_with_code(
        context,
        authorize_request,
        username=session.username,
        auth_time=session.auth_time,
        access_token=access_token,
        refresh_token=session.refresh_token,
    )


def _redirect_with_code(
    context: StackContext,
    authorize_request: AuthorizeRequest,
    *,
    username: str,
    auth_time: int,
    access_token: str,
    refresh_token: str,
) -> Response:
    client = authorize_request.client
    claims = id_token_claims(
        issuer=context.issuer(client.pool_id),
        client_id=client.client_id,
        # Attributes and groups as they are now, as Cognito reads them per token.
        profile=context.pools.profile(client.pool_id, username),
        auth_time=auth_time,
        nonce=authorize_request.nonce,
        access_token=access_token,
    )
    claims.update(context.store.take_id_token_overrides(client.client_id))
    code = context.store.issue_code(
        client_id=client.client_id,
        redirect_uri=authorize_request.redirect_uri,
        code_challenge=authorize_request.code_challenge,
        id_token=context.signer.sign(claims),
        access_token=access_token,
        refresh_token=refresh_token,
    )
    return redirect(_with_query(authorize_request.redirect_uri, code=code, state=authorize_request.state))


def _checked_authorize_request(pools: UserPools, args) -> AuthorizeRequest:
    client = pools.app_client(args.get("client_id", ""))
    if client is None:
        raise InvalidAuthorizeRequest("The application's client id is not known to this user pool.")
    redirect_uri = args.get("redirect_uri", "")
    if redirect_uri not in client.callback_urls:
        raise InvalidAuthorizeRequest("The redirect URI is not registered for this application.")
    if args.get("response_type") != "code":
        raise InvalidAuthorizeRequest("Only the authorization code flow (response_type=code) is supported.")
    if not client.oauth_enabled or "code" not in client.oauth_flows:
        raise InvalidAuthorizeRequest("This application is not allowed to use the authorization code flow.")
    if not args.get("code_challenge") or args.get("code_challenge_method") != "S256":
        raise InvalidAuthorizeRequest("A PKCE code challenge with method S256 is required.")
    scope = args.get("scope", "") or " ".join(client.oauth_scopes)
    if not set(scope.split()) <= set(client.oauth_scopes):
        raise InvalidAuthorizeRequest("The application asked for a scope it is not allowed.")
    return AuthorizeRequest(
        client=client,
        redirect_uri=redirect_uri,
        scope=scope,
        code_challenge=args["code_challenge"],
        state=args.get("state"),
        nonce=args.get("nonce"),
    )


# --- token, userInfo, logout -------------------------------------------------


@blueprint.post("/oauth2/token")
def token():
    context = _context()
    client = _authenticated_client(context.pools)
    if client is None:
        response = _oauth_error("invalid_client", 401)
        response.headers["WWW-Authenticate"] = 'Basic realm="token"'
        return response
    grant_type = request.form.get("grant_type")
    if grant_type != "authorization_code":
        return _oauth_error("unsupported_grant_type" if grant_type else "invalid_request", 400)
    issued = context.store.redeem_code(request.form.get("code", ""))
    if (
        issued is None
        or issued.client_id != client.client_id
        or issued.redirect_uri != request.form.get("redirect_uri")
        or not _verifier_matches(request.form.get("code_verifier", ""), issued.code_challenge)
    ):
        return _oauth_error("invalid_grant", 400)
    return jsonify(
        id_token=issued.id_token,
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        token_type="Bearer",
        expires_in=3600,
    )


@blueprint.route("/oauth2/userInfo", methods=["GET", "POST"])
def user_info():
    scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
    profile = None
    if scheme.lower() == "bearer" and access_token:
        profile = _context().pools.profile_for_access_token(access_token)
    if profile is None:
        response = _oauth_error("invalid_token", 401)
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    attributes = profile.attributes
    # Cognito's userInfo answers with attribute values as stored: strings, so
    # email_verified is "true" or "false", unlike the ID token's boolean.
    shown = ("email", "email_verified", "given_name", "family_name")
    return jsonify(
        sub=attributes["sub"],
        username=profile.username,
        **{name: attributes[name] for name in shown if name in attributes},
    )


@blueprint.get("/logout")
def logout():
    context = _context()
    client = context.pools.app_client(request.args.get("client_id", ""))
    logout_uri = request.args.get("logout_uri", "")
    if client is None or logout_uri not in client.logout_urls:
        return _error_page("The sign-out address is not registered for this application.", 400)
    context.store.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect(logout_uri)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
    return response


# --- for tests ---------------------------------------------------------------


@blueprint.post("/_local/id-token-overrides")
def id_token_overrides():
    """The next ID token issued to `client_id` carries these claims instead
    (JSON: {"client_id": ..., "claims": {...}}), once. Only the local stack
    has this: tests use it to hand the portal tokens a real pool would
    never issue it, and check it refuses them."""
    body = request.get_json(silent=True) or {}
    client_id, claims = body.get("client_id", ""), body.get("claims")
    if not isinstance(claims, dict) or _context().pools.app_client(str(client_id)) is None:
        return _oauth_error("invalid_request", 400)
    _context().store.override_next_id_token(str(client_id), claims)
    return jsonify(overridden=sorted(claims))


@blueprint.post("/_local/forgot-password-codes/expire")
def forgot_password_codes_expire():
    """Every password reset code in flight is past its hour: how tests
    check that an expired code is refused. Only the local stack has this."""
    _context().forgot_codes.expire_all()
    return jsonify(expired=True)


@blueprint.post("/_local/email-change-codes/expire")
def email_change_codes_expire():
    """Every email change code in flight is past its 24 hours: how tests
    check that an expired code is refused. Only the local stack has this."""
    _context().email_codes.expire_all()
    return jsonify(expired=True)


# --- helpers -----------------------------------------------------------------


def _context() -> StackContext:
    return current_app.extensions["local_stack"]


def _require_pool(context: StackContext, pool_id: str) -> None:
    if not context.pools.pool_exists(pool_id):
        abort(404, "There is no user pool with that id.")


def _step_page(sign_in_id: str, sign_in: SignIn, *, error: str = "", status: int = 200) -> Response:
    secret = sign_in.totp_secret or ""
    page = render_template(
        STEP_TEMPLATES[sign_in.challenge],
        sign_in_id=sign_in_id,
        csrf_token=sign_in.csrf_token,
        email=sign_in.email,
        error=error,
        totp_secret=secret,
        totp_uri=_otpauth_uri(secret, sign_in.email) if secret else "",
        forgot_password_url=_forgot_password_url(sign_in.request.redirect_uri),
    )
    return Response(page, status=status)


def _forgot_password_url(redirect_uri: str) -> str:
    """The application's own forgot-password page, on the origin it signs in
    from: it asks the pool (ForgotPassword) for the code and records the reset."""
    parts = urlsplit(redirect_uri)
    return urlunsplit((parts.scheme, parts.netloc, FORGOT_PASSWORD_PATH, "", ""))


def _error_page(message: str, status: int) -> Response:
    return Response(render_template("error.html", message=message), status=status)


def _oauth_error(error: str, status: int) -> Response:
    response = jsonify(error=error)
    response.status_code = status
    return response


def _authenticated_client(pools: UserPools) -> AppClient | None:
    """The client named by HTTP Basic or by the form, if its secret is right."""
    basic = request.authorization
    if basic and basic.type == "basic":
        client_id, secret = basic.username or "", basic.password or ""
    else:
        client_id = request.form.get("client_id", "")
        secret = request.form.get("client_secret", "")
    client = pools.app_client(client_id) if client_id else None
    if client is None:
        return None
    # A client without a secret authenticates with its id alone, as in Cognito.
    return client if _same(secret, client.client_secret or "") else None


def _verifier_matches(verifier: str, challenge: str) -> bool:
    if not CODE_VERIFIER.fullmatch(verifier):
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return _same(expected, challenge)


def _otpauth_uri(secret: str, account: str) -> str:
    """The URI authenticator apps read from a QR code (Key Uri Format)."""
    label = quote(f"{TOTP_ISSUER}:{account}", safe="")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": TOTP_ISSUER})


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _with_query(url: str, **params: str | None) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))
