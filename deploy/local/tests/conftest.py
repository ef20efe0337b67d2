from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from deploy.local.process import LocalStack
from medisecure.aws import build_client
from medisecure.bootstrap import SIGN_IN_BY_EMAIL

# The region the stack's hosted UI uses too.
REGION = os.environ.get("AWS_REGION", "us-east-1")
CALLBACK_URL = "http://127.0.0.1:8000/oidc/callback/"
SIGNED_OUT_URL = "http://127.0.0.1:8000/signed-out/"
EMAIL = "dana.doctor@example.org"
PASSWORD = "Correct-horse-1"
SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]


@pytest.fixture(scope="session")
def local_stack():
    stack = LocalStack().start()
    yield stack
    stack.stop()


def aws_client(service: str, stack: LocalStack):
    return build_client(
        service,
        region=REGION,
        endpoint_url=stack.url,
        access_key_id="testing",
        secret_access_key="testing",
    )


@dataclass(frozen=True)
class Pool:
    url: str
    pool_id: str
    client_id: str
    client_secret: str
    cognito: object


@pytest.fixture(scope="session")
def cognito(local_stack):
    # Built once: making a boto3 client costs more than most of these tests.
    return aws_client("cognito-idp", local_stack)


@pytest.fixture
def pool(local_stack, cognito) -> Pool:
    local_stack.reset()
    return create_pool(local_stack, cognito)


def create_pool(local_stack: LocalStack, cognito) -> Pool:
    # Signing in by email, as the portal's pool does (bootstrap.pool_definition).
    pool_id = cognito.create_user_pool(
        PoolName="medisecure-test", MfaConfiguration="OPTIONAL", **SIGN_IN_BY_EMAIL
    )["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    for group in ("patient", "doctor"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="medisecure-portal",
        GenerateSecret=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=SCOPES,
        AllowedOAuthFlowsUserPoolClient=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        CallbackURLs=[CALLBACK_URL],
        LogoutURLs=[SIGNED_OUT_URL],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    add_user(cognito, pool_id, EMAIL, PASSWORD, groups=["doctor"])
    return Pool(
        url=local_stack.url,
        pool_id=pool_id,
        client_id=client["ClientId"],
        client_secret=client["ClientSecret"],
        cognito=cognito,
    )


def add_user(cognito, pool_id: str, email: str, password: str, *, groups=(), temporary=False):
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "given_name", "Value": "Dana"},
            {"Name": "family_name", "Value": "Doctor"},
        ],
        MessageAction="SUPPRESS",
        **({"TemporaryPassword": password} if temporary else {}),
    )
    if not temporary:
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)


class Browser:
    """A browser's side of the flow, the way the portal and a person drive it."""

    def __init__(self, pool: Pool):
        self.pool = pool
        self.session = requests.Session()
        self.verifier = secrets.token_urlsafe(48)
        self.nonce = secrets.token_urlsafe(16)
        self.state = secrets.token_urlsafe(16)

    def authorize(self, **overrides) -> requests.Response:
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        )
        params = {
            "response_type": "code",
            "client_id": self.pool.client_id,
            "redirect_uri": CALLBACK_URL,
            "scope": " ".join(SCOPES),
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **overrides,
        }
        params = {name: value for name, value in params.items() if value is not None}
        return self.session.get(f"{self.pool.url}/oauth2/authorize", params=params, allow_redirects=False)

    def submit(self, page: requests.Response, **fields: str) -> requests.Response:
        """Post the page's form with its hidden fields plus these."""
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        return self.session.post(f"{self.pool.url}/login", data={**hidden, **fields}, allow_redirects=False)

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD) -> requests.Response:
        return self.submit(self.authorize(), email=email, password=password)

    def code_from(self, redirect: requests.Response) -> str:
        assert redirect.status_code == 302, redirect.text
        location = redirect.headers["Location"]
        assert location.startswith(CALLBACK_URL + "?")
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == [self.state]
        return query["code"][0]

    def exchange(self, code: str, **overrides) -> requests.Response:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK_URL,
            "code_verifier": self.verifier,
            **overrides,
        }
        return requests.post(
            f"{self.pool.url}/oauth2/token",
            data=form,
            auth=(self.pool.client_id, self.pool.client_secret),
        )

    def tokens(self) -> dict:
        response = self.exchange(self.code_from(self.sign_in()))
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def browser(pool) -> Browser:
    return Browser(pool)
