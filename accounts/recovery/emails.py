"""What the emails about a person's password say. None carries a link:
someone who did not make the change is told where to go, not given a
button to press."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape

from medisecure.mail import Message


def password_changed(email: str) -> Message:
    text = (
        f"The password of your {settings.CLINIC_NAME} account was changed just now.\n\n"
        "If you changed it, there is nothing more to do.\n\n"
        "If you did not, reset your password from the sign-in page straight away "
        "and call the clinic."
    )
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    return Message(
        to=email,
        subject=f"{settings.CLINIC_NAME}: your password was changed",
        text=text,
        html=html,
    )
