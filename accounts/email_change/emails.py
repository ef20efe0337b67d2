"""What the emails about a change of a person's address say. None carries
a link: someone who did not ask for the change is told where to go, not
given a button to press."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape

from medisecure.mail import Message


def _message(to: str, subject: str, text: str) -> Message:
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    return Message(to=to, subject=f"{settings.CLINIC_NAME}: {subject}", text=text, html=html)


def change_requested(old_email: str) -> Message:
    """To the address in force: someone signed in as them asked to move the
    account. The new address is not named: the notice goes out whether or
    not that address could be used."""
    return _message(
        old_email,
        "a change of your email address was asked for",
        f"Someone signed in to your {settings.CLINIC_NAME} account asked just now to change its "
        "email address. The change happens only once the code we sent to the new address is "
        "entered; until then we keep writing to this one.\n\n"
        "If you asked for it, there is nothing more to do here.\n\n"
        "If you did not, change your password from your account page straight away, or reset it "
        "from the sign-in page, and call the clinic.",
    )


def address_in_use(email: str) -> Message:
    """To the holder of an address that another account asked to move to:
    they are told, the asker is not (the page says the same either way)."""
    return _message(
        email,
        "someone tried to use your email address",
        f"Someone signed in to another {settings.CLINIC_NAME} account asked just now to change "
        "its email address to this one. This address already belongs to an account, so nothing "
        "was changed and no code was sent.\n\n"
        "If it was you, you already have an account with this address: sign in with it. "
        "If it was not, there is nothing to do; your account is as it was.",
    )
