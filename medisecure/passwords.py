"""The user pool's password policy, checked here before anything is sent to
Cognito, and generated passwords that satisfy it. bootstrap_aws creates the
pool with PASSWORD_POLICY, so the two cannot disagree."""

import secrets
import string

from django.utils.translation import gettext as _

PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 3,
}
# The symbols Cognito counts as special characters.
COGNITO_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def policy_violations(password: str) -> list[str]:
    """Each rule the password breaks, in words a person can act on."""
    rules = [
        (
            len(password) >= PASSWORD_POLICY["MinimumLength"],
            _("Use at least %(count)s characters.") % {"count": PASSWORD_POLICY["MinimumLength"]},
        ),
        (any(c.isupper() for c in password), _("Use an upper-case letter.")),
        (any(c.islower() for c in password), _("Use a lower-case letter.")),
        (any(c.isdigit() for c in password), _("Use a number.")),
        (any(c in COGNITO_SYMBOLS for c in password), _("Use a symbol such as ! or -.")),
    ]
    return [wording for satisfied, wording in rules if not satisfied]


def generate_password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(16))
    return f"{core}-{secrets.choice(string.ascii_uppercase)}{secrets.choice(string.ascii_lowercase)}{secrets.randbelow(10)}!"
