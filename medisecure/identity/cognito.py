"""Every call the portal makes to the Cognito user pool API.

Calls that name a user carry SECRET_HASH, because the app client has a
secret. Network failures surface as CognitoUnavailable so callers can show a
plain "try again" page instead of an error."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from medisecure import aws


class CognitoUnavailable(Exception):
    pass


class CodeMismatch(Exception):
    """A TOTP code that the user pool did not accept."""


class PasswordNotAccepted(Exception):
    """The pool refused a password our policy check let through (in AWS, for
    example, one found in a breach list)."""


# Marks a user made by patient self-signup, with the id of the sign-up that
# made it. Immutable: set once at creation, changed by no one after. It lets a
# retried or repeated sign-up tell an account it half-made (safe to finish)
# from one that came another way (never touched).
SIGNUP_ATTRIBUTE = "custom:signup_id"
SIGNUP_ATTRIBUTE_SCHEMA = {
    "Name": "signup_id",
    "AttributeDataType": "String",
    "Mutable": False,
    "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
}


def _client():
    return aws.client("cognito-idp")


def secret_hash(username: str) -> str:
    return aws.cognito_secret_hash(
        username, client_id=settings.OIDC_RP_CLIENT_ID, client_secret=settings.OIDC_RP_CLIENT_SECRET
    )


def has_totp_mfa(access_token: str) -> bool:
    try:
        user = _client().get_user(AccessToken=access_token)
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc
    return "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])


def begin_totp_enrolment(access_token: str) -> str:
    """A new TOTP secret for the signed-in user to put in their authenticator."""
    try:
        return _client().associate_software_token(AccessToken=access_token)["SecretCode"]
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def finish_totp_enrolment(access_token: str, code: str) -> None:
    """Check the first code from the authenticator and make TOTP the user's
    required second factor."""
    client = _client()
    try:
        client.verify_software_token(
            AccessToken=access_token, UserCode=code, FriendlyDeviceName="authenticator"
        )
        client.set_user_mfa_preference(
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("CodeMismatchException", "EnableSoftwareTokenMFAException"):
            raise CodeMismatch from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


@dataclass(frozen=True)
class PoolUser:
    username: str
    sub: str
    email: str
    status: str
    attributes: dict


def get_pool_user(email: str) -> PoolUser | None:
    """The user signing in with `email`, or None. Cognito usernames in this
    pool are emails (the pool's sign-in attribute)."""
    try:
        response = _client().admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            return None
        raise
    attributes = {entry["Name"]: entry["Value"] for entry in response.get("UserAttributes", [])}
    return PoolUser(
        username=response["Username"],
        sub=attributes.get("sub", ""),
        email=attributes.get("email", ""),
        status=response.get("UserStatus", ""),
        attributes=attributes,
    )


def create_pool_user(
    *,
    email: str,
    given_name: str,
    family_name: str,
    suppress_message: bool,
    signup_id: str = "",
    temporary_password: str | None = None,
) -> PoolUser:
    """Create the user with a verified email. Raises UsernameExistsException's
    ClientError when the email is taken, so callers can link instead. With a
    temporary password, the user must choose their own at first sign-in."""
    attributes = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "given_name", "Value": given_name},
        {"Name": "family_name", "Value": family_name},
    ]
    if signup_id:
        attributes.append({"Name": SIGNUP_ATTRIBUTE, "Value": signup_id})
    kwargs = {
        "UserPoolId": settings.COGNITO_USER_POOL_ID,
        "Username": email,
        "UserAttributes": attributes,
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if suppress_message:
        kwargs["MessageAction"] = "SUPPRESS"
    if temporary_password:
        kwargs["TemporaryPassword"] = temporary_password
    _client().admin_create_user(**kwargs)
    return get_pool_user(email)


def create_signup_user(*, email: str, given_name: str, family_name: str, signup_id: str) -> PoolUser:
    """The user for a verified self-signup, made with no password and no
    invitation (the person chose their password at sign-up). If the email is
    already taken, for instance by a concurrent verify of the same sign-up,
    the user holding it is returned: the caller decides whether it is theirs."""
    try:
        return create_pool_user(
            email=email, given_name=given_name, family_name=family_name, suppress_message=True, signup_id=signup_id
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "UsernameExistsException":
            raise
    return get_pool_user(email)


def set_permanent_password(email: str, password: str) -> None:
    try:
        _client().admin_set_user_password(
            UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email, Password=password, Permanent=True
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "InvalidPasswordException":
            raise PasswordNotAccepted from exc
        raise


def set_temporary_password(email: str, password: str) -> None:
    """A new temporary password (the old one stops working); the user must
    choose their own at the next sign-in."""
    _client().admin_set_user_password(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email, Password=password, Permanent=False
    )


def is_username_taken(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "UsernameExistsException"


def groups_of(email: str) -> set[str]:
    response = _client().admin_list_groups_for_user(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email
    )
    return {group["GroupName"] for group in response.get("Groups", [])}


def add_to_group(email: str, group: str) -> None:
    _client().admin_add_user_to_group(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email, GroupName=group
    )


def remove_from_group(email: str, group: str) -> None:
    _client().admin_remove_user_from_group(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=email, GroupName=group
    )
