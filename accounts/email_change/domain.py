"""A change of a signed-in person's email address, between asking for it
and entering the code sent to the new address."""

from __future__ import annotations

from dataclasses import dataclass

REQUESTED = "account.email_change_requested"
VERIFIED = "account.email_change_verified"


@dataclass(frozen=True)
class PendingEmailChange:
    """Kept in the person's server-side session between the two pages."""

    email: str

    def as_session(self) -> dict:
        return {"email": self.email}

    @classmethod
    def from_session(cls, value) -> PendingEmailChange | None:
        if not isinstance(value, dict) or not isinstance(value.get("email"), str) or not value["email"]:
            return None
        return cls(email=value["email"])


class SameAddress(Exception):
    """The new address is the one the account already has."""


class AddressTaken(Exception):
    """Another account has the new address: nothing changed, no code was
    sent (or the one sent no longer counts)."""


class EmailCodeRefused(Exception):
    """The code is wrong, expired or spent; the person asks for a new one."""


class SignInAgain(Exception):
    """The sign-in behind this session is too old to finish the change (its
    access token has expired): nothing changed; the person signs in again."""
