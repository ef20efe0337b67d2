"""The user pool's signing keys come through PyJWT's PyJWKClient, fetched
from the local stack's published JWKS over HTTP: kept for their lifespan,
fetched again on an unknown key at most once per cooldown, and an
unreachable key set is an outage (try later), not a refusal."""

from __future__ import annotations

import socket

import pytest
import requests

from medisecure.identity import oidc


@pytest.fixture
def pool_keys(aws, settings):
    keys = oidc.jwks
    keys._client = None  # a fresh client: nothing fetched yet
    client = keys.client()
    fetches = []
    original = client.fetch_data

    def counted():
        fetches.append(client.uri)
        return original()

    client.fetch_data = counted
    published = requests.get(settings.OIDC_OP_JWKS_ENDPOINT, timeout=5).json()["keys"]
    return keys, fetches, published[0]["kid"]


def test_the_key_client_keeps_the_set_for_its_lifespan_with_the_oidc_timeout(aws, settings):
    client = oidc.jwks.client()

    assert client.uri == settings.OIDC_OP_JWKS_ENDPOINT
    assert client.jwk_set_cache.lifespan == oidc.JWKS_LIFESPAN_SECONDS
    assert client.timeout == settings.OIDC_TIMEOUT
    assert client.cooldown_duration == oidc.JWKS_REFETCH_COOLDOWN_SECONDS


def test_a_published_key_is_fetched_once_and_then_served_from_the_cache(pool_keys):
    keys, fetches, kid = pool_keys

    first = keys.key_for(kid)
    again = keys.key_for(kid)

    assert first.key_id == again.key_id == kid and first.algorithm_name == "RS256"
    assert len(fetches) == 1


def test_unknown_keys_refetch_the_set_at_most_once_per_cooldown(pool_keys):
    keys, fetches, kid = pool_keys
    keys.key_for(kid)
    # The cooldown since that fetch has run out: one unknown kid may refetch.
    keys.client()._last_successful_fetch -= oidc.JWKS_REFETCH_COOLDOWN_SECONDS + 1

    for attempt in range(5):
        with pytest.raises(oidc.SignInRefused) as refused:
            keys.key_for(f"made-up-{attempt}")
        assert refused.value.reason == "unknown_signing_key"

    assert len(fetches) == 2  # the first fetch, and one refetch for five unknown kids


def test_a_new_pool_url_gets_a_new_key_client(aws, settings):
    before = oidc.jwks.client()
    settings.OIDC_OP_JWKS_ENDPOINT = f"{settings.COGNITO_ISSUER}-other/.well-known/jwks.json"

    assert oidc.jwks.client() is not before
    assert oidc.jwks.client().uri == settings.OIDC_OP_JWKS_ENDPOINT


def test_an_unreachable_key_set_is_an_outage_not_a_refusal(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.OIDC_OP_JWKS_ENDPOINT = f"http://127.0.0.1:{port}/.well-known/jwks.json"

    with pytest.raises(oidc.SigningKeysUnreachable):
        oidc.jwks.key_for("any")
