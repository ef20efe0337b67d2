"""The ID token checks mozilla-django-oidc leaves to us. Tokens are signed
with a test key placed in the JWKS cache as if the user pool published it;
everything else is the production verification code."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from medisecure.identity import oidc
from medisecure.identity.oidc import SignInRefused, verify_id_token

KID = "test-key"


@pytest.fixture
def pool_key(settings):
    settings.OIDC_RP_CLIENT_ID = "portal-client"
    settings.OIDC_RP_CLIENT_SECRET = "portal-client-secret"
    settings.COGNITO_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{settings.COGNITO_ISSUER}/.well-known/jwks.json"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = {
        **jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True),
        "kid": KID,
        "alg": "RS256",
    }
    # The key set PyJWKClient holds, as if it had just fetched the pool's.
    client = oidc.jwks.client()
    client.jwk_set_cache.put(jwt.PyJWKSet([public]))
    client._last_successful_fetch = time.monotonic()
    yield key


def _claims(settings, **overrides):
    now = int(time.time())
    claims = {
        "sub": "5f1c0c1e-0000-4000-8000-000000000001",
        "iss": settings.COGNITO_ISSUER,
        "aud": settings.OIDC_RP_CLIENT_ID,
        "token_use": "id",
        "nonce": "the-nonce",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": "patient@medisecure.test",
        "cognito:groups": ["patient"],
    }
    claims.update(overrides)
    return claims


def _signed(key, claims, kid=KID):
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_it_accepts_a_well_formed_id_token(pool_key, settings):
    claims = verify_id_token(_signed(pool_key, _claims(settings)), nonce="the-nonce")

    assert claims["sub"] == "5f1c0c1e-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"}, "wrong_issuer"),
        ({"aud": "another-client"}, "wrong_audience"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "token_expired"),
        ({"token_use": "access"}, "not_an_id_token"),
        ({"nonce": "another-nonce"}, "nonce_mismatch"),
    ],
    ids=["wrong-iss", "wrong-aud", "expired", "access-token", "wrong-nonce"],
)
def test_it_refuses_an_id_token_with_a_wrong_claim(pool_key, settings, override, reason):
    with pytest.raises(SignInRefused) as refused:
        verify_id_token(_signed(pool_key, _claims(settings, **override)), nonce="the-nonce")

    assert refused.value.reason == reason


def test_it_refuses_a_token_without_token_use(pool_key, settings):
    claims = _claims(settings)
    del claims["token_use"]

    with pytest.raises(SignInRefused):
        verify_id_token(_signed(pool_key, claims), nonce="the-nonce")


def test_it_refuses_a_bad_signature(pool_key, settings):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(SignInRefused) as refused:
        verify_id_token(_signed(impostor, _claims(settings)), nonce="the-nonce")

    assert refused.value.reason == "invalid_token"


def test_it_refuses_an_unsigned_token(pool_key, settings):
    unsigned = jwt.encode(_claims(settings), key=None, algorithm="none", headers={"kid": KID})

    with pytest.raises(SignInRefused) as refused:
        verify_id_token(unsigned, nonce="the-nonce")

    assert refused.value.reason == "algorithm_not_allowed"


def test_it_refuses_a_token_signed_with_the_client_secret(pool_key, settings):
    forged = jwt.encode(
        _claims(settings),
        settings.OIDC_RP_CLIENT_SECRET.ljust(32, "x"),
        algorithm="HS256",
        headers={"kid": KID},
    )

    with pytest.raises(SignInRefused) as refused:
        verify_id_token(forged, nonce="the-nonce")

    assert refused.value.reason == "algorithm_not_allowed"


def test_it_refuses_a_token_from_a_key_the_pool_does_not_publish(pool_key, settings, monkeypatch):
    # A refetch of the JWKS (the pool's real one, without this kid) happens
    # first; here the outside edge answers with no keys.
    client = oidc.jwks.client()
    client._last_successful_fetch = None
    monkeypatch.setattr(client, "fetch_data", lambda: {"keys": []})

    with pytest.raises(SignInRefused) as refused:
        verify_id_token(_signed(pool_key, _claims(settings), kid="unknown"), nonce="the-nonce")

    assert refused.value.reason == "unknown_signing_key"


@pytest.mark.parametrize(
    ("value", "verified"),
    [
        ("true", True),
        (True, True),
        ("false", False),
        (False, False),
        ("TRUE", True),
        (None, False),
        ("yes", False),
    ],
)
def test_it_reads_email_verified_in_cognitos_string_form(value, verified):
    assert oidc.is_true(value) is verified
