"""Cognito's InitiateAuth refuses a flow the app client does not allow
(its ExplicitAuthFlows); moto ignores them and signs anyone in with any
flow. Here, as in Cognito, InitiateAuth with a flow the client leaves out
answers InvalidParameterException, so the portal's client, which allows no
password sign-in through the API (only the hosted UI's code flow and
refresh), refuses it locally as it does in AWS.

AdminInitiateAuth is not checked: the local hosted UI uses it with the
stack's own credentials to stand in for Cognito's managed login, which
signs people in inside Cognito whatever the client's flows are. No one else
can call it: it needs IAM credentials for cognito-idp:AdminInitiateAuth,
which the portal's task role is not granted (deploy/aws/template.yaml).
"""

from __future__ import annotations

import io
import json

from moto.cognitoidp.models import cognitoidp_backends

INITIATE_AUTH = "AWSCognitoIdentityProviderService.InitiateAuth"

# The ExplicitAuthFlows entry that lets an InitiateAuth flow through.
ALLOWING = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
}


def is_initiate_auth_request(environ) -> bool:
    return environ.get("HTTP_X_AMZ_TARGET", "") == INITIATE_AUTH


def refusal(environ, start_response):
    """Cognito's answer when the request's flow is not the client's to use,
    or None to let the request through (its body left to read again)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return None  # moto's own answer to a body that is not JSON
    flow = str(body.get("AuthFlow", ""))
    allowed = _explicit_flows(str(body.get("ClientId", "")))
    if allowed is None or ALLOWING.get(flow) in allowed:
        return None
    payload = {"__type": "InvalidParameterException", "message": f"{flow} flow not enabled for this client"}
    start_response(
        "400 Bad Request",
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", payload["__type"])],
    )
    return [json.dumps(payload).encode()]


def _explicit_flows(client_id: str) -> set[str] | None:
    """The client's flows; None for a client no pool holds (moto's answer)."""
    for regions in cognitoidp_backends.values():
        for backend in regions.values():
            for pool in backend.user_pools.values():
                client = pool.clients.get(client_id)
                if client is not None:
                    return _flows_of(client)
    return None


def _flows_of(client) -> set[str]:
    flows = client.extended_config.get("ExplicitAuthFlows")
    if flows is None:
        # Cognito's default for a client made without the list.
        return {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
    return set(flows)
