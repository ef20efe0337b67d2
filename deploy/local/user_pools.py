"""moto's Cognito API, reached over HTTP exactly as the portal reaches it.

The hosted UI never looks inside moto's objects for identity: every sign-in
step is a Cognito API call, so what works here is what Cognito accepts.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace

from botocore.exceptions import ClientError

from medisecure.aws import build_client, cognito_secret_hash

# moto accepts any credentials; these are the ones its documentation uses.
LOCAL_ACCESS_KEY_ID = "testing"
LOCAL_SECRET_ACCESS_KEY = "testing"

WRONG_CREDENTIALS = "Incorrect username or password."
WRONG_CODE = "That code is not correct. Enter the current code from your authenticator app."

# Cognito's own patterns for ids: anything else never reaches the API, where
# botocore would refuse it with a validation error instead of "not found".
POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
CLIENT_ID = re.compile(r"[\w+]{1,128}")


class SignInRefused(Exception):
    """A sign-in step failed in a way the person can fix; the message is shown."""


class SignInExpired(Exception):
    """Cognito no longer knows the sign-in's session; it has to start over."""


@dataclass(frozen=True)
class AppClient:
    pool_id: str
    client_id: str
    client_secret: str | None
    callback_urls: tuple[str, ...]
    logout_urls: tuple[str, ...]
    oauth_flows: tuple[str, ...]
    oauth_scopes: tuple[str, ...]
    oauth_enabled: bool

    def secret_hash(self, username: str) -> str | None:
        if not self.client_secret:
            return None
        return cognito_secret_hash(username, client_id=self.client_id, client_secret=self.client_secret)


@dataclass(frozen=True)
class AuthResult:
    """Cognito's answer to a sign-in step: tokens, or the next challenge."""

    access_token: str | None = None
    refresh_token: str | None = None
    challenge: str | None = None
    session: str | None = None
    challenge_username: str | None = None
    # The pool's name for the user who signed in (their sub, where the pool
    # signs in by email), by which every later step names them.
    username: str | None = None


@dataclass(frozen=True)
class UserProfile:
    username: str
    attributes: dict[str, str]
    groups: tuple[str, ...]


class UserPools:
    def __init__(self, *, endpoint_url: str, region: str):
        self._api = build_client(
            "cognito-idp",
            region=region,
            endpoint_url=endpoint_url,
            access_key_id=LOCAL_ACCESS_KEY_ID,
            secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        )

    def pool_exists(self, pool_id: str) -> bool:
        if len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
            return False
        try:
            self._api.describe_user_pool(UserPoolId=pool_id)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            raise
        return True

    def app_client(self, client_id: str) -> AppClient | None:
        """The app client with this id, in whichever pool holds it."""
        if not CLIENT_ID.fullmatch(client_id):
            return None
        for pool_id in self._pool_ids():
            try:
                found = self._api.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
                    "UserPoolClient"
                ]
            except ClientError as error:
                if _code(error) == "ResourceNotFoundException":
                    continue
                raise
            return AppClient(
                pool_id=pool_id,
                client_id=client_id,
                client_secret=found.get("ClientSecret"),
                callback_urls=tuple(found.get("CallbackURLs", ())),
                logout_urls=tuple(found.get("LogoutURLs", ())),
                oauth_flows=tuple(found.get("AllowedOAuthFlows", ())),
                oauth_scopes=tuple(found.get("AllowedOAuthScopes", ())),
                oauth_enabled=bool(found.get("AllowedOAuthFlowsUserPoolClient")),
            )
        return None

    def sign_in(self, client: AppClient, email: str, password: str) -> AuthResult:
        """The password step, with the email typed: Cognito accepts the
        alias as USERNAME, with SECRET_HASH over that same value."""
        parameters = {"USERNAME": email, "PASSWORD": password}
        with _refusals(
            {
                # Both say the same thing so the form never reveals who has an account.
                "NotAuthorizedException": WRONG_CREDENTIALS,
                "UserNotFoundException": WRONG_CREDENTIALS,
                "UserNotConfirmedException": "This account has not been confirmed yet.",
                "PasswordResetRequiredException": "This account needs a password reset.",
            }
        ):
            # Cognito's managed login checks the password inside Cognito,
            # whatever flows the app client allows (the portal's allows no
            # password flow through the API); the admin API, with the
            # stack's own credentials, is the local stand-in for that.
            answer = self._api.admin_initiate_auth(
                UserPoolId=client.pool_id,
                ClientId=client.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters=_with_secret_hash(parameters, client, email),
            )
        result = _auth_result(answer)
        # The password was right: from here on the person is named by their
        # username, as Cognito names them in its challenges and in the
        # refresh token (whose SECRET_HASH is over it), however their email changes.
        username = (
            result.challenge_username
            or self._api.admin_get_user(UserPoolId=client.pool_id, Username=email)["Username"]
        )
        return replace(result, username=username)

    def set_new_password(
        self, client: AppClient, username: str, session: str, new_password: str
    ) -> AuthResult:
        return self._respond(
            client,
            username,
            session,
            "NEW_PASSWORD_REQUIRED",
            {"NEW_PASSWORD": new_password},
            refusals={"InvalidPasswordException": None},
        )

    def answer_totp(self, client: AppClient, username: str, session: str, code: str) -> AuthResult:
        return self._respond(
            client,
            username,
            session,
            "SOFTWARE_TOKEN_MFA",
            {"SOFTWARE_TOKEN_MFA_CODE": code},
            refusals={"CodeMismatchException": WRONG_CODE},
        )

    def start_totp_setup(self, session: str) -> tuple[str, str]:
        """(secret, session) for enrolling an authenticator during sign-in."""
        with _expiry():
            answer = self._api.associate_software_token(Session=session)
        return answer["SecretCode"], answer["Session"]

    def finish_totp_setup(self, client: AppClient, username: str, session: str, code: str) -> AuthResult:
        with (
            _expiry(),
            _refusals(
                {
                    "CodeMismatchException": WRONG_CODE,
                    "EnableSoftwareTokenMFAException": WRONG_CODE,
                }
            ),
        ):
            verified = self._api.verify_software_token(Session=session, UserCode=code)
        return self._respond(client, username, verified["Session"], "MFA_SETUP", {})

    def refreshed_access_token(self, client: AppClient, username: str, refresh_token: str) -> str:
        """A fresh access token for a hosted session, as Cognito's SSO issues."""
        with _expiry():
            answer = self._api.initiate_auth(
                ClientId=client.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters=_with_secret_hash({"REFRESH_TOKEN": refresh_token}, client, username),
            )
        return answer["AuthenticationResult"]["AccessToken"]

    def profile(self, pool_id: str, username: str) -> UserProfile:
        user = self._api.admin_get_user(UserPoolId=pool_id, Username=username)
        pages = self._api.get_paginator("admin_list_groups_for_user").paginate(
            UserPoolId=pool_id, Username=user["Username"]
        )
        groups = tuple(group["GroupName"] for page in pages for group in page["Groups"])
        return UserProfile(
            username=user["Username"],
            attributes=_attributes(user["UserAttributes"]),
            groups=groups,
        )

    def profile_for_access_token(self, access_token: str) -> UserProfile | None:
        """The token's user, or None when Cognito does not accept the token."""
        try:
            user = self._api.get_user(AccessToken=access_token)
        except ClientError as error:
            if _code(error) in {"NotAuthorizedException", "UserNotFoundException"}:
                return None
            raise
        return UserProfile(
            username=user["Username"],
            attributes=_attributes(user["UserAttributes"]),
            groups=(),
        )

    def _respond(
        self,
        client: AppClient,
        username: str,
        session: str,
        challenge: str,
        responses: dict[str, str],
        refusals: dict[str, str | None] | None = None,
    ) -> AuthResult:
        responses = {"USERNAME": username, **responses}
        with _expiry(), _refusals(refusals or {}):
            answer = self._api.admin_respond_to_auth_challenge(
                UserPoolId=client.pool_id,
                ClientId=client.client_id,
                ChallengeName=challenge,
                Session=session,
                ChallengeResponses=_with_secret_hash(responses, client, username),
            )
        return _auth_result(answer)

    def _pool_ids(self) -> list[str]:
        pool_ids, token = [], None
        while True:
            page = self._api.list_user_pools(MaxResults=60, **({"NextToken": token} if token else {}))
            pool_ids += [pool["Id"] for pool in page["UserPools"]]
            token = page.get("NextToken")
            if not token:
                return pool_ids


@contextmanager
def _refusals(messages: dict[str, str | None]):
    """Turn the named Cognito errors into SignInRefused with a chosen message
    (None: Cognito's own message, for rules such as the password policy)."""
    try:
        yield
    except ClientError as error:
        if _code(error) not in messages:
            raise
        message = messages[_code(error)] or error.response["Error"]["Message"]
        raise SignInRefused(message) from error


@contextmanager
def _expiry():
    """Cognito answers a session it no longer knows with one of these errors."""
    try:
        yield
    except ClientError as error:
        if _code(error) not in {"NotAuthorizedException", "ResourceNotFoundException"}:
            raise
        raise SignInExpired(_code(error)) from error


def _auth_result(answer: dict) -> AuthResult:
    tokens = answer.get("AuthenticationResult")
    if tokens:
        return AuthResult(access_token=tokens["AccessToken"], refresh_token=tokens.get("RefreshToken"))
    return AuthResult(
        challenge=answer["ChallengeName"],
        session=answer.get("Session"),
        challenge_username=answer.get("ChallengeParameters", {}).get("USERNAME"),
    )


def _with_secret_hash(parameters: dict[str, str], client: AppClient, username: str) -> dict[str, str]:
    secret_hash = client.secret_hash(username)
    return {**parameters, "SECRET_HASH": secret_hash} if secret_hash else parameters


def _attributes(pairs: list[dict[str, str]]) -> dict[str, str]:
    return {pair["Name"]: pair["Value"] for pair in pairs}


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
