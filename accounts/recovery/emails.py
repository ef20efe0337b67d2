"""What the emails about a person's password say. None carries a link:
someone who did not make the change is told where to go, not given a
button to press. They go in the language of the page the change was made on."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from medisecure.mail import Message


def password_changed(email: str) -> Message:
    paragraphs = (
        _("The password of your %(clinic)s account was changed just now.") % {"clinic": settings.CLINIC_NAME},
        _("If you changed it, there is nothing more to do."),
        _("If you did not, reset your password from the sign-in page straight away and call the clinic."),
    )
    text = "\n\n".join(paragraphs)
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    return Message(
        to=email,
        subject=_("%(clinic)s: your password was changed") % {"clinic": settings.CLINIC_NAME},
        text=text,
        html=html,
    )
