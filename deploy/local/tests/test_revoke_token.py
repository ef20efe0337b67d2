"""RevokeToken, which the stack adds to moto's Cognito API: the refresh
token stops making tokens, and the access tokens made from it stop working."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from deploy.local.tests.conftest import EMAIL, PASSWORD
from medisecure.aws import cognito_secret_hash


def _tokens(pool):
    answer = pool.cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": EMAIL,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": cognito_secret_hash(
                EMAIL, client_id=pool.client_id, client_secret=pool.client_secret
            ),
        },
    )["AuthenticationResult"]
    return answer["RefreshToken"], answer["AccessToken"]


def _username(pool) -> str:
    """The pool's name for the user who signs in with EMAIL: their sub."""
    return pool.cognito.admin_get_user(UserPoolId=pool.pool_id, Username=EMAIL)["Username"]


def _refresh(pool, refresh_token):
    # A refresh token belongs to the user: its SECRET_HASH is over their
    # username, not the email they signed in with.
    return pool.cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": refresh_token,
            "SECRET_HASH": cognito_secret_hash(
                _username(pool), client_id=pool.client_id, client_secret=pool.client_secret
            ),
        },
    )


def test_a_revoked_refresh_token_makes_no_more_tokens_and_its_access_tokens_stop(pool):
    refresh_token, access_token = _tokens(pool)
    other_refresh, other_access = _tokens(pool)
    _refresh(pool, refresh_token)

    pool.cognito.revoke_token(Token=refresh_token, ClientId=pool.client_id, ClientSecret=pool.client_secret)

    with pytest.raises(ClientError) as refused:
        _refresh(pool, refresh_token)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    with pytest.raises(ClientError):
        pool.cognito.get_user(AccessToken=access_token)
    # Another sign-in's tokens are untouched.
    _refresh(pool, other_refresh)
    assert pool.cognito.get_user(AccessToken=other_access)["Username"] == _username(pool)


def test_revoking_needs_the_clients_secret(pool):
    refresh_token, _ = _tokens(pool)

    with pytest.raises(ClientError) as refused:
        pool.cognito.revoke_token(Token=refresh_token, ClientId=pool.client_id, ClientSecret="w" * 32)

    assert refused.value.response["Error"]["Code"] == "UnauthorizedException"
    _refresh(pool, refresh_token)


def test_revoking_an_unknown_or_revoked_token_is_not_an_error(pool):
    refresh_token, _ = _tokens(pool)
    for _ in range(2):
        pool.cognito.revoke_token(
            Token=refresh_token, ClientId=pool.client_id, ClientSecret=pool.client_secret
        )
    pool.cognito.revoke_token(Token="not-a-token", ClientId=pool.client_id, ClientSecret=pool.client_secret)
