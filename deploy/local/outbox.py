"""The development outbox: mail sent through SES, read from moto's backend.

Both SES v1 and v2 sends land in moto's SES backend in this process. moto
keeps each message but not when it was sent, so the stack notes the time as
each successful send passes through it.
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template
from moto.ses.models import Message, RawMessage, TemplateMessage, ses_backends

# SigV4: "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, ..."
SIGNING_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")
# SES v1 answers in XML, v2 in JSON; both name the new message's id MessageId.
MESSAGE_ID = re.compile(rb'<MessageId>([^<]+)</MessageId>|"MessageId"\s*:\s*"([^"]+)"')
# moto stores a message's HTML part when it has one, else its text part.
HTML_TAG = re.compile(r"<(!doctype|html|body|div|p|table|br|a|span|h[1-6])\b", re.IGNORECASE)

NEVER = datetime.min.replace(tzinfo=UTC)

blueprint = Blueprint("outbox", __name__)


@dataclass(frozen=True)
class Mail:
    message_id: str
    sender: str
    recipients: str
    subject: str
    sent_at: datetime | None
    text_body: str
    html_body: str


class SendLog:
    """When each message was sent, by message id."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sent_at: dict[str, datetime] = {}

    def pass_through(self, app, environ, start_response):
        """Call moto with an SES request, noting the time of any message it accepts."""
        response = app(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            getattr(response, "close", lambda: None)()
        match = MESSAGE_ID.search(body)
        if match:
            message_id = (match.group(1) or match.group(2)).decode("utf-8")
            with self._lock:
                self._sent_at[message_id] = datetime.now(UTC)
        return [body]

    def sent_at(self, message_id: str) -> datetime | None:
        with self._lock:
            return self._sent_at.get(message_id)

    def clear(self) -> None:
        with self._lock:
            self._sent_at.clear()


def is_ses_request(environ) -> bool:
    signed_for = SIGNING_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return bool(signed_for) and signed_for.group(1) == "ses"


def sent_mail(log: SendLog) -> list[Mail]:
    """Every message moto holds, newest first."""
    # Copies of moto's dicts and lists: other threads may be adding to them.
    stored = [
        message
        for account in list(ses_backends.values())
        for backend in list(account.values())
        for message in list(backend.sent_messages)
    ]
    mail = [_as_mail(message, log.sent_at(message.id)) for message in stored]
    # Stable sort on a reversed list: messages sent in the same instant (or
    # with no time noted) stay newest first as moto appended them.
    return sorted(reversed(mail), key=lambda item: item.sent_at or NEVER, reverse=True)


@blueprint.get("/_outbox/")
def outbox():
    return render_template("outbox.html", messages=sent_mail(_log()))


@blueprint.get("/_outbox/<message_id>")
def outbox_message(message_id: str):
    found = [mail for mail in sent_mail(_log()) if mail.message_id == message_id]
    if not found:
        abort(404, "There is no message with that id in the outbox.")
    return render_template("outbox_message.html", mail=found[0])


def _log() -> SendLog:
    return current_app.extensions["local_stack"].send_log


def _as_mail(message, sent_at: datetime | None) -> Mail:
    if isinstance(message, RawMessage):
        return _raw_mail(message, sent_at)
    if isinstance(message, Message):
        is_html = bool(HTML_TAG.search(message.body or ""))
        body = message.body or ""
        return Mail(
            message_id=message.id,
            sender=message.source,
            recipients=_recipients(message.destinations),
            subject=message.subject or "",
            sent_at=sent_at,
            text_body="" if is_html else body,
            html_body=body if is_html else "",
        )
    if isinstance(message, TemplateMessage):
        # moto does not render templates; show what the sender asked for.
        return Mail(
            message_id=message.id,
            sender=message.source,
            recipients=_recipients(message.destinations),
            subject=f"(template {message.template})",
            sent_at=sent_at,
            text_body=message.template_data,
            html_body="",
        )
    raise TypeError(f"unexpected SES message {type(message).__name__}")


def _raw_mail(message: RawMessage, sent_at: datetime | None) -> Mail:
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return Mail(
        message_id=message.id,
        sender=message.source or str(parsed.get("From", "")),
        recipients=str(parsed.get("To", "")) or ", ".join(message.destinations),
        subject=str(parsed.get("Subject", "")),
        sent_at=sent_at,
        text_body=text_part.get_content() if text_part else "",
        html_body=html_part.get_content() if html_part else "",
    )


def _recipients(destinations: dict) -> str:
    fields = ("ToAddresses", "CcAddresses", "BccAddresses")
    return ", ".join(address for field in fields for address in destinations.get(field, []))
