"""What the emails about a change of a person's address say. None carries
a link: someone who did not ask for the change is told where to go, not
given a button to press."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from medisecure.mail import Message


def _message(to: str, subject: str, text: str) -> Message:
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    return Message(
        to=to,
        subject=_("%(clinic)s: %(subject)s") % {"clinic": settings.CLINIC_NAME, "subject": subject},
        text=text,
        html=html,
    )


def change_requested(old_email: str) -> Message:
    """To the address in force: someone signed in as them asked to move the
    account. The new address is not named: the notice goes out whether or
    not that address could be used."""
    return _message(
        old_email,
        _("a change of your email address was asked for"),
        "\n\n".join(
            (
                _(
                    "Someone signed in to your %(clinic)s account asked just now to change its "
                    "email address. The change happens only once the code we sent to the new address is "
                    "entered; until then we keep writing to this one."
                )
                % {"clinic": settings.CLINIC_NAME},
                _("If you asked for it, there is nothing more to do here."),
                _(
                    "If you did not, change your password from your account page straight away, or reset it "
                    "from the sign-in page, and call the clinic."
                ),
            )
        ),
    )


def address_in_use(email: str) -> Message:
    """To the holder of an address that another account asked to move to:
    someone signed in has tried their address, and nothing changed."""
    return _message(
        email,
        _("someone tried to use your email address"),
        "\n\n".join(
            (
                _(
                    "Someone signed in to another %(clinic)s account asked just now to change "
                    "its email address to this one. This address already belongs to an account, so nothing "
                    "was changed and no code was sent."
                )
                % {"clinic": settings.CLINIC_NAME},
                _(
                    "If it was you, you already have an account with this address: sign in with it. "
                    "If it was not, there is nothing to do; your account is as it was."
                ),
            )
        ),
    )
