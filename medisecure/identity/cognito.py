"""Every call the portal makes to the Cognito user pool API.

The pool signs people in by email (UsernameAttributes): each user's
username is their sub, the portal's key for them, and their email, as it is
now, is an alias every call naming a user accepts. The portal names a person
it knows by their sub, so a call never depends on which address they have;
an address someone typed (sign-up, forgot password, an admin's look-up) is
sent as typed. Calls through the app client that name a user carry
SECRET_HASH, over the same name the call sends. Network failures surface as
CognitoUnavailable so callers can show a plain "try again" page instead of
an error."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from medisecure import aws


class CognitoUnavailable(Exception):
    pass


class CodeMismatch(Exception):
    """A TOTP code that the user pool did not accept."""


class UsernameTaken(Exception):
    """The email already signs in to the pool: link its user instead of making one."""


class AddressInUse(Exception):
    """Another user of the pool has this email (AliasExistsException): the
    pool lets no two users share the address they sign in with."""


class PoolUserGone(Exception):
    """The user pool no longer has this user."""


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


class AccessTokenRefused(Exception):
    """The session's access token is no longer accepted (expired or revoked):
    the person signs in again before changing their sign-in or their email."""


def _access_token_refused(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "NotAuthorizedException"


def begin_totp_enrolment(access_token: str) -> str:
    """A new TOTP secret for the signed-in user to put in their authenticator."""
    try:
        return _client().associate_software_token(AccessToken=access_token)["SecretCode"]
    except ClientError as exc:
        if _access_token_refused(exc):
            raise AccessTokenRefused from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def totp_enabled(username: str) -> bool:
    """Whether the user signs in with a TOTP code after their password (what
    Cognito's SOFTWARE_TOKEN_MFA challenge is asked for). Raises PoolUserGone
    or CognitoUnavailable."""
    with _naming_a_user():
        user = _client().admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)
    return "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])


def turn_off_totp(access_token: str, code: str) -> None:
    """Turn the signed-in user's TOTP off, once a current code from their
    authenticator checks out (VerifySoftwareToken against the secret they
    enrolled, with their own token). Raises CodeMismatch, AccessTokenRefused
    or CognitoUnavailable."""
    client = _client()
    try:
        client.verify_software_token(AccessToken=access_token, UserCode=code)
        client.set_user_mfa_preference(
            AccessToken=access_token,
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("CodeMismatchException", "EnableSoftwareTokenMFAException"):
            raise CodeMismatch from exc
        if _access_token_refused(exc):
            raise AccessTokenRefused from exc
        raise
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
        if _access_token_refused(exc):
            raise AccessTokenRefused from exc
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
    enabled: bool = True


def get_pool_user(name: str) -> PoolUser | None:
    """The user whose email (what they sign in with) or username (their
    sub) is `name`, or None."""
    try:
        response = _client().admin_get_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=name)
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
        enabled=bool(response.get("Enabled", True)),
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
    """Create the user with a verified email, which they sign in with (the
    pool makes their username, their sub). Raises UsernameTaken when the
    email is taken, so callers can link instead. With a temporary password,
    the user must choose their own at first sign-in."""
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
    try:
        _client().admin_create_user(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("UsernameExistsException", "AliasExistsException"):
            raise UsernameTaken(email) from exc
        raise
    return get_pool_user(email)


def create_signup_user(*, email: str, given_name: str, family_name: str, signup_id: str) -> PoolUser:
    """The user for a verified self-signup, made with no password and no
    invitation (the person chose their password at sign-up). If the email is
    already taken, for instance by a concurrent verify of the same sign-up,
    the user holding it is returned: the caller decides whether it is theirs."""
    try:
        return create_pool_user(
            email=email,
            given_name=given_name,
            family_name=family_name,
            suppress_message=True,
            signup_id=signup_id,
        )
    except UsernameTaken:
        pass
    return get_pool_user(email)


def set_permanent_password(name: str, password: str) -> None:
    try:
        _client().admin_set_user_password(
            UserPoolId=settings.COGNITO_USER_POOL_ID, Username=name, Password=password, Permanent=True
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "InvalidPasswordException":
            raise PasswordNotAccepted from exc
        raise


def set_temporary_password(name: str, password: str) -> None:
    """A new temporary password (the old one stops working); the user must
    choose their own at the next sign-in."""
    _client().admin_set_user_password(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=name, Password=password, Permanent=False
    )


def groups_of(name: str) -> set[str]:
    response = _client().admin_list_groups_for_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=name)
    return {group["GroupName"] for group in response.get("Groups", [])}


def add_to_group(name: str, group: str) -> None:
    _client().admin_add_user_to_group(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=name, GroupName=group
    )


# --- Taking access away and giving it back (accounts.people) ----------------
# Each is safe to repeat: disabling a disabled user, removing a group the
# user is not in, signing out a user with no tokens all succeed.


@contextmanager
def _naming_a_user():
    """A user the pool no longer has raises PoolUserGone; the network
    failing, CognitoUnavailable."""
    try:
        yield
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            raise PoolUserGone from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def pool_user_checked(username: str) -> tuple[PoolUser, set[str]]:
    """The user and their groups, for the periodic re-check of a session.
    Raises PoolUserGone or CognitoUnavailable."""
    with _naming_a_user():
        user = get_pool_user(username)
        if user is None:
            raise PoolUserGone
        return user, groups_of(username)


def disable_user(username: str) -> None:
    with _naming_a_user():
        _client().admin_disable_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)


def enable_user(username: str) -> None:
    with _naming_a_user():
        _client().admin_enable_user(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)


def sign_out_everywhere(username: str) -> None:
    """Revoke every refresh token of the user and the access tokens made from
    them (AdminUserGlobalSignOut): no app signs them in again without a password."""
    with _naming_a_user():
        _client().admin_user_global_sign_out(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)


def role_groups_set(username: str, *, group: str, role_groups: set[str]) -> None:
    """Put the user in `group` and out of every other role group. Added
    first: cut short between the two, the user holds two roles, which grants
    none (roles.role_from_groups), until the change is made again."""
    with _naming_a_user():
        current = groups_of(username)
        if group not in current:
            add_to_group(username, group)
        for other in sorted((current & role_groups) - {group}):
            _client().admin_remove_user_from_group(
                UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username, GroupName=other
            )


def mfa_reset(username: str) -> None:
    """Turn the user's TOTP off: at their next sign-in, staff enrol again."""
    with _naming_a_user():
        _client().admin_set_user_mfa_preference(
            UserPoolId=settings.COGNITO_USER_POOL_ID,
            Username=username,
            SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
        )


def revoke_refresh_token(refresh_token: str) -> None:
    """Revoke a refresh token of the portal's app client (RevokeToken), and
    the access tokens made from it. A token already revoked or unknown is
    not an error."""
    try:
        _client().revoke_token(
            Token=refresh_token,
            ClientId=settings.OIDC_RP_CLIENT_ID,
            ClientSecret=settings.OIDC_RP_CLIENT_SECRET,
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("UnauthorizedException", "InvalidParameterException"):
            raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


# --- Passwords the person resets or changes (accounts.recovery) -------------


class CodeRefused(Exception):
    """A password reset code that is wrong, expired, or spent by too many tries."""


class CodeSendLimited(Exception):
    """Cognito will not send another code to this address yet."""


class WrongPassword(Exception):
    """The current password given to a change was not the person's."""


def forgot_password(email: str) -> None:
    """Ask the pool to email a reset code (ForgotPassword) to the user who
    signs in with `email`. The pool prevents user existence errors: an
    unknown address answers the same. Raises CodeSendLimited or CognitoUnavailable."""
    try:
        _client().forgot_password(
            ClientId=settings.OIDC_RP_CLIENT_ID, Username=email, SecretHash=secret_hash(email)
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("LimitExceededException", "TooManyRequestsException"):
            raise CodeSendLimited from exc
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            return
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def confirm_forgot_password(email: str, code: str, password: str) -> None:
    """Set a new password with the emailed code (ConfirmForgotPassword).
    Raises CodeRefused, PasswordNotAccepted or CognitoUnavailable."""
    try:
        _client().confirm_forgot_password(
            ClientId=settings.OIDC_RP_CLIENT_ID,
            Username=email,
            SecretHash=secret_hash(email),
            ConfirmationCode=code,
            Password=password,
        )
    except ClientError as exc:
        error = exc.response["Error"]["Code"]
        if error in (
            "CodeMismatchException",
            "ExpiredCodeException",
            "LimitExceededException",
            "TooManyFailedAttemptsException",
            "UserNotFoundException",
        ):
            raise CodeRefused from exc
        if error == "InvalidPasswordException":
            raise PasswordNotAccepted from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def change_password(access_token: str, current: str, new: str) -> None:
    """The signed-in person's own password change, with their access token
    (ChangePassword). Raises WrongPassword, PasswordNotAccepted or CognitoUnavailable."""
    try:
        _client().change_password(AccessToken=access_token, PreviousPassword=current, ProposedPassword=new)
    except ClientError as exc:
        error = exc.response["Error"]["Code"]
        if error == "NotAuthorizedException":
            raise WrongPassword from exc
        if error == "InvalidPasswordException":
            raise PasswordNotAccepted from exc
        if error == "LimitExceededException":
            raise WrongPassword from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc


def admin_reset_password(username: str) -> None:
    """Force a reset (AdminResetUserPassword): the password stops working
    and the person sets a new one with a code the pool emails them."""
    with _naming_a_user():
        _client().admin_reset_user_password(UserPoolId=settings.COGNITO_USER_POOL_ID, Username=username)


# --- The person's own email change (accounts.email_change) ------------------
# The pool requires a new email to be verified before it takes effect
# (UserAttributeUpdateSettings): until VerifyUserAttribute, the old address
# stays the user's email, verified, signing in, and the new one only
# receives the code; once verified, the new address signs in and the old one
# no longer does (email is the pool's sign-in name). The pool refuses an
# address another user has, at the request or at the verification. The app
# client may not write email (its WriteAttributes): a token alone cannot
# start a change, so each one passes the portal's notice to the old address.
# The portal asks for the change itself; the person proves the new address
# with their token.


class EmailCodeRefused(Exception):
    """An email change code that is wrong, expired, or spent by too many tries."""


def email_change_request(username: str, new_email: str) -> None:
    """Ask the pool to email a code to `new_email` (AdminUpdateUserAttributes
    without email_verified: the address waits for the code). Raises
    AddressInUse, CodeSendLimited, PoolUserGone or CognitoUnavailable."""
    try:
        with _naming_a_user():
            _client().admin_update_user_attributes(
                UserPoolId=settings.COGNITO_USER_POOL_ID,
                Username=username,
                UserAttributes=[{"Name": "email", "Value": new_email}],
            )
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("LimitExceededException", "TooManyRequestsException"):
            raise CodeSendLimited from exc
        if exc.response["Error"]["Code"] == "AliasExistsException":
            raise AddressInUse from exc
        raise


def email_change_verify(access_token: str, code: str) -> str:
    """Make the pending address the person's email with the code sent to it
    (VerifyUserAttribute, with their own token); the email the pool now
    holds. Raises EmailCodeRefused, AddressInUse (another user has taken the
    address since the code was sent), AccessTokenRefused or CognitoUnavailable."""
    client = _client()
    try:
        client.verify_user_attribute(AccessToken=access_token, AttributeName="email", Code=code)
        user = client.get_user(AccessToken=access_token)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in (
            "CodeMismatchException",
            "ExpiredCodeException",
            "LimitExceededException",
            "TooManyFailedAttemptsException",
        ):
            raise EmailCodeRefused from exc
        if exc.response["Error"]["Code"] == "AliasExistsException":
            raise AddressInUse from exc
        if exc.response["Error"]["Code"] == "NotAuthorizedException":
            raise AccessTokenRefused from exc
        raise
    except BotoCoreError as exc:
        raise CognitoUnavailable from exc
    attributes = {entry["Name"]: entry["Value"] for entry in user.get("UserAttributes", [])}
    return attributes.get("email", "")
