"""Tokens that belong to the user, not to the name they signed in with.

In a pool whose usernames are email aliases (UsernameAttributes), Cognito
accepts the email wherever a call names a user, and every token it issues
belongs to the user, whose username is their sub: an email change leaves the
person's tokens working, and the refresh token's SECRET_HASH is over the
sub. moto files each token under the name the sign-in gave, so a token from
a sign-in with an email would lose its user once that email changed, and a
global sign-out naming the user by email would miss it. Here moto's pool
files tokens, and finds them at a sign-out, by the user's username.

A pool made with UsernameConfiguration CaseSensitive false finds a user
whatever the case of the name or email given, as Cognito does; moto
compares them exactly."""

from __future__ import annotations

from moto.cognitoidp.models import CognitoIdpUserPool

_create_refresh_token = CognitoIdpUserPool.create_refresh_token
_create_access_token = CognitoIdpUserPool.create_access_token
_create_id_token = CognitoIdpUserPool.create_id_token
_sign_out = CognitoIdpUserPool.sign_out
_get_user = CognitoIdpUserPool._get_user


def install() -> None:
    CognitoIdpUserPool._get_user = get_user  # type: ignore[method-assign]
    CognitoIdpUserPool.create_refresh_token = create_refresh_token  # type: ignore[method-assign]
    CognitoIdpUserPool.create_access_token = create_access_token  # type: ignore[method-assign]
    CognitoIdpUserPool.create_id_token = create_id_token  # type: ignore[method-assign]
    CognitoIdpUserPool.sign_out = sign_out  # type: ignore[method-assign]


def username_of(pool: CognitoIdpUserPool, name: str) -> str:
    """The username of the user `name` finds (their username or, where the
    pool signs in by email, their email); `name` itself for no user."""
    user = pool._get_user(name) if name else None
    return user.username if user is not None else name


def get_user(self: CognitoIdpUserPool, name: str):
    found = _get_user(self, name)
    configuration = self.extended_config.get("UsernameConfiguration") or {}
    if found is not None or not name or configuration.get("CaseSensitive", True):
        return found
    wanted = name.lower()
    attributes = self.extended_config.get("UsernameAttributes") or []
    for user in list(self.users.values()):
        names = [user.username, *(user.attribute_lookup.get(attribute, "") for attribute in attributes)]
        if wanted in (each.lower() for each in names if each):
            return user
    return None


def create_refresh_token(self: CognitoIdpUserPool, client_id: str, username: str):
    return _create_refresh_token(self, client_id, username_of(self, username))


def create_access_token(self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str):
    return _create_access_token(self, client_id, username_of(self, username), origin_jti)


def create_id_token(self: CognitoIdpUserPool, client_id: str, username: str, origin_jti: str):
    return _create_id_token(self, client_id, username_of(self, username), origin_jti)


def sign_out(self: CognitoIdpUserPool, username: str) -> None:
    _sign_out(self, username_of(self, username))
