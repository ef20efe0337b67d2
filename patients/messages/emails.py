"""What the secure-message notification says: that there is a new message
and where to read it. Never the message's text, its subject, or anyone's
name: email is neither private nor under the clinic's control once sent."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from medisecure import languages, mail
from medisecure.mail import Message


def new_message(*, to: str, thread_url: str, language: str = "") -> Message:
    """In the recipient's stored language (a doctor's: the clinic's)."""
    context = {"clinic_name": settings.CLINIC_NAME, "thread_url": settings.SITE_URL + thread_url}
    with languages.writing_to(language):
        return Message(
            to=to,
            subject=_("You have a new message in MediSecure"),
            text=render_to_string("patients/messages/emails/new_message.txt", context),
            html=render_to_string("patients/messages/emails/new_message.html", context),
        )


def send(message: Message) -> bool:
    """Send one; whether SES took it. A notification that does not go never
    undoes the message it is about: the page says so."""
    try:
        mail.send(message)
    except mail.MailNotSent:
        return False
    return True
