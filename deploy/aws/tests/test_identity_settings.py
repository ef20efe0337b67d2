"""What a person may change about their own account, in the stack and in the
local pool alike: their names, never their email or a custom attribute, and
a new email only once it is verified; and how they may sign in: at the
hosted UI, never with a password sent straight to the API."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from deploy.aws.tests.stack_template import resources
from medisecure import aws, bootstrap
from medisecure.identity.cognito import SIGNUP_ATTRIBUTE, secret_hash
from tests.support import TEST_PASSWORD


def _client_properties() -> dict:
    (client,) = resources("AWS::Cognito::UserPoolClient").values()
    return client["Properties"]


def test_the_app_client_lets_no_one_write_their_email_or_a_custom_attribute():
    writable = set(_client_properties()["WriteAttributes"])

    assert "email" not in writable and "email_verified" not in writable
    assert not {name for name in writable if name.startswith("custom:")}
    assert writable == set(bootstrap.SELF_WRITABLE_ATTRIBUTES)


def test_the_app_client_allows_no_password_sign_in_through_the_api():
    flows = _client_properties()["ExplicitAuthFlows"]

    assert "ALLOW_USER_PASSWORD_AUTH" not in flows
    assert "ALLOW_ADMIN_USER_PASSWORD_AUTH" not in flows
    assert flows == bootstrap.app_client_definition("https://example.org")["ExplicitAuthFlows"]


@pytest.mark.django_db
def test_in_the_local_pool_a_password_sent_to_the_api_is_refused_as_in_aws(cast, settings):
    cognito = aws.client("cognito-idp")
    email = cast.patient.email

    with pytest.raises(ClientError) as refused:
        cognito.initiate_auth(
            ClientId=settings.OIDC_RP_CLIENT_ID,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": TEST_PASSWORD, "SECRET_HASH": secret_hash(email)},
        )

    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "not enabled" in refused.value.response["Error"]["Message"]


def test_people_sign_in_with_their_email_in_the_stack_as_in_the_local_pool():
    (pool,) = resources("AWS::Cognito::UserPool").values()
    properties = pool["Properties"]

    assert properties["UsernameAttributes"] == ["email"]
    assert properties["UsernameConfiguration"] == {"CaseSensitive": False}
    assert {key: properties[key] for key in bootstrap.SIGN_IN_BY_EMAIL} == bootstrap.SIGN_IN_BY_EMAIL


@pytest.mark.django_db
def test_in_the_local_pool_a_person_is_found_by_their_email_and_named_by_their_sub(cast, settings):
    cognito = aws.client("cognito-idp")
    described = cognito.describe_user_pool(UserPoolId=settings.COGNITO_USER_POOL_ID)["UserPool"]
    user = cognito.admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=cast.patient.email)

    assert described["UsernameAttributes"] == ["email"]
    assert user["Username"] == cast.patient.sub


def test_the_pool_requires_a_new_email_to_be_verified_before_it_takes_effect():
    (pool,) = resources("AWS::Cognito::UserPool").values()

    settings = pool["Properties"]["UserAttributeUpdateSettings"]
    assert settings == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert bootstrap.pool_definition()["UserAttributeUpdateSettings"] == settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attribute", [("email", "someone.else@example.org"), (SIGNUP_ATTRIBUTE, "another-signup")]
)
def test_in_the_local_pool_a_person_cannot_write_their_email_or_marker_with_their_token(
    cast, settings, attribute
):
    cognito = aws.client("cognito-idp")
    client = cognito.describe_user_pool_client(
        UserPoolId=settings.COGNITO_USER_POOL_ID, ClientId=settings.OIDC_RP_CLIENT_ID
    )["UserPoolClient"]
    assert set(client["WriteAttributes"]) == set(bootstrap.SELF_WRITABLE_ATTRIBUTES)
    # The admin API: the app client allows no password flow of its own.
    tokens = cognito.admin_initiate_auth(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        ClientId=settings.OIDC_RP_CLIENT_ID,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": cast.patient.email,
            "PASSWORD": TEST_PASSWORD,
            "SECRET_HASH": secret_hash(cast.patient.email),
        },
    )["AuthenticationResult"]
    name, value = attribute

    with pytest.raises(ClientError) as refused:
        cognito.update_user_attributes(
            AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": name, "Value": value}]
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    # Their names they may change.
    cognito.update_user_attributes(
        AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "given_name", "Value": "Renamed"}]
    )
