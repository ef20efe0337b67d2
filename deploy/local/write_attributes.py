"""The app client's WriteAttributes, which moto does not enforce: a person
updating their own attributes with an access token the client issued may
write only the attributes the client lists, as in Cognito. Anything else is
moto's to answer."""

from __future__ import annotations

import io
import json

from moto.cognitoidp.models import cognitoidp_backends

TARGET = "AWSCognitoIdentityProviderService.UpdateUserAttributes"


def is_update_user_attributes_request(environ) -> bool:
    return environ.get("HTTP_X_AMZ_TARGET", "") == TARGET


def checked_update_user_attributes(environ, start_response, moto_app):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length)
    # moto reads the body again.
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return moto_app(environ, start_response)
    writable = _writable_attributes(str(body.get("AccessToken", "")))
    names = {
        str(entry.get("Name", "")) for entry in body.get("UserAttributes", []) if isinstance(entry, dict)
    }
    if writable is not None and names - writable:
        payload = {
            "__type": "NotAuthorizedException",
            "message": "A client attempted to write unauthorized attribute",
        }
        start_response(
            "400 Bad Request",
            [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", payload["__type"])],
        )
        return [json.dumps(payload).encode()]
    return moto_app(environ, start_response)


def _writable_attributes(access_token: str) -> set[str] | None:
    """The attributes the token's app client may write; None when the
    client lists none (every attribute, as Cognito) or the token is unknown."""
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            for pool in backend.user_pools.values():
                issued = pool.access_tokens.get(access_token)
                if issued is None:
                    continue
                client = pool.clients.get(issued[0])
                listed = client.extended_config.get("WriteAttributes") if client else None
                return set(listed) if listed else None
    return None
