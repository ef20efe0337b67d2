"""Cognito's RevokeToken, which moto lacks: the refresh token stops working,
and so do the access tokens made from it, as in Cognito.

The stack serves moto in this same process, so the token is revoked in
moto's own records of the pool (a refresh token moto has marked revoked is
refused by REFRESH_TOKEN_AUTH)."""

from __future__ import annotations

import hmac
import json

import jwt
from moto.cognitoidp.models import cognitoidp_backends

TARGET = "AWSCognitoIdentityProviderService.RevokeToken"


def is_revoke_token_request(environ) -> bool:
    return environ.get("HTTP_X_AMZ_TARGET", "") == TARGET


def revoke_token(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError:
        return _answer(start_response, 400, {"__type": "InvalidParameterException", "message": "Not JSON."})
    token, client_id = str(body.get("Token", "")), str(body.get("ClientId", ""))
    if not token or not client_id:
        return _answer(
            start_response, 400, {"__type": "InvalidParameterException", "message": "Token and ClientId."}
        )
    found = _pool_with_client(client_id)
    if found is None:
        return _answer(start_response, 400, {"__type": "UnauthorizedException", "message": "Unknown client."})
    pool, client = found
    secret = client.secret if client.generate_secret else ""
    if not hmac.compare_digest(str(body.get("ClientSecret", "")).encode(), secret.encode()):
        return _answer(start_response, 400, {"__type": "UnauthorizedException", "message": "Client secret."})
    _revoke(pool, client_id, token)
    # As in Cognito (RFC 7009), a token that is unknown or already revoked is not an error.
    return _answer(start_response, 200, {})


def _pool_with_client(client_id: str):
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            for pool in backend.user_pools.values():
                client = pool.clients.get(client_id)
                if client is not None:
                    return pool, client
    return None


def _revoke(pool, client_id: str, token: str) -> None:
    entry = pool.refresh_tokens.get(token)
    if not entry or entry[0] != client_id:
        return
    origin_jti = entry[2]
    pool.refresh_tokens[token] = None
    for access_token in list(pool.access_tokens):
        claims = jwt.decode(access_token, options={"verify_signature": False})
        if claims.get("origin_jti") == origin_jti:
            pool.access_tokens.pop(access_token, None)


def _answer(start_response, status: int, payload: dict):
    reason = "OK" if status == 200 else "Bad Request"
    headers = [("Content-Type", "application/x-amz-json-1.1")]
    if status != 200:
        headers.append(("x-amzn-ErrorType", payload["__type"]))
    start_response(f"{status} {reason}", headers)
    return [json.dumps(payload).encode()]
