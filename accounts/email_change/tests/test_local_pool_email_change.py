"""The local pool's email change, as Cognito's with
AttributesRequireVerificationBeforeUpdate: pending until verified, the code
only to the new address, resends a minute apart, other attributes written."""

import re

import pytest
from botocore.exceptions import ClientError

from medisecure import aws
from medisecure.identity.cognito import secret_hash
from tests.support import TEST_PASSWORD, mail_to

pytestmark = pytest.mark.django_db

NEW = "pending.address@example.com"


def _token(cast, settings) -> str:
    return aws.client("cognito-idp").admin_initiate_auth(
        # The admin API: the app client allows no password flow of its own.
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        ClientId=settings.OIDC_RP_CLIENT_ID,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": cast.patient.email,
            "PASSWORD": TEST_PASSWORD,
            "SECRET_HASH": secret_hash(cast.patient.email),
        },
    )["AuthenticationResult"]["AccessToken"]


def _attributes(token) -> dict:
    user = aws.client("cognito-idp").get_user(AccessToken=token)
    return {entry["Name"]: entry["Value"] for entry in user["UserAttributes"]}


def test_an_admin_update_of_email_waits_for_the_code_and_other_attributes_are_written(
    cast, settings, local_stack
):
    cognito, token = aws.client("cognito-idp"), _token(cast, settings)
    cognito.admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.email,
        UserAttributes=[{"Name": "email", "Value": NEW}, {"Name": "given_name", "Value": "Renamed"}],
    )
    assert _attributes(token)["email"] == cast.patient.email
    assert _attributes(token)["given_name"] == "Renamed"
    with pytest.raises(ClientError, match="LimitExceeded"):
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    [message] = mail_to(local_stack, NEW)
    code = re.search(r"code is (\d{6})", message["body"]).group(1)
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert (_attributes(token)["email"], _attributes(token)["email_verified"]) == (NEW, "true")


def test_marked_verified_in_the_same_call_the_address_takes_effect_at_once(cast, settings, local_stack):
    token = _token(cast, settings)
    aws.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.email,
        UserAttributes=[{"Name": "email", "Value": NEW}, {"Name": "email_verified", "Value": "true"}],
    )
    assert _attributes(token)["email"] == NEW
    assert mail_to(local_stack, NEW) == []


def test_verifying_with_nothing_pending_is_a_wrong_code(cast, settings):
    with pytest.raises(ClientError, match="CodeMismatch"):
        aws.client("cognito-idp").verify_user_attribute(
            AccessToken=_token(cast, settings), AttributeName="email", Code="123456"
        )


def test_an_update_to_an_address_another_user_signs_in_with_is_refused_and_changes_nothing(
    cast, settings, local_stack
):
    cognito, token = aws.client("cognito-idp"), _token(cast, settings)
    with pytest.raises(ClientError, match="AliasExists"):
        cognito.admin_update_user_attributes(
            UserPoolId=settings.COGNITO_USER_POOL_ID,
            Username=cast.patient.sub,
            UserAttributes=[
                {"Name": "email", "Value": cast.doctor.email.upper()},
                {"Name": "given_name", "Value": "Renamed"},
            ],
        )
    assert _attributes(token)["email"] == cast.patient.email
    assert _attributes(token)["given_name"] != "Renamed"
    assert mail_to(local_stack, cast.doctor.email) == []


def test_an_address_taken_before_its_code_is_entered_is_refused_at_the_verification(
    cast, settings, local_stack
):
    cognito, token = aws.client("cognito-idp"), _token(cast, settings)
    cognito.admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.sub,
        UserAttributes=[{"Name": "email", "Value": NEW}],
    )
    [message] = mail_to(local_stack, NEW)
    cognito.admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.other_patient.sub,
        UserAttributes=[{"Name": "email", "Value": NEW}, {"Name": "email_verified", "Value": "true"}],
    )
    code = re.search(r"code is (\d{6})", message["body"]).group(1)
    with pytest.raises(ClientError, match="AliasExists"):
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert _attributes(token)["email"] == cast.patient.email


def test_a_sign_in_by_email_keeps_its_tokens_and_the_user_their_sub_when_the_email_changes(
    cast, settings, local_stack
):
    cognito, token = aws.client("cognito-idp"), _token(cast, settings)
    cognito.admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.email,
        UserAttributes=[{"Name": "email", "Value": NEW}, {"Name": "email_verified", "Value": "true"}],
    )
    user = cognito.get_user(AccessToken=token)
    assert user["Username"] == cast.patient.sub
    assert _attributes(token)["email"] == NEW
    with pytest.raises(ClientError, match="UserNotFound"):
        cognito.admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=cast.patient.email)
