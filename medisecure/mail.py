"""The one place that sends email: SES v2, through the settings'
configuration set (so bounces, complaints and delivery events are tracked
for every message), as plain text plus HTML. A message with attachments (a
calendar invitation) goes as a raw MIME message, the only way SES v2 takes
attachments.

Callers compose messages elsewhere; nothing here knows what they say. An
address is personal information, so failures are logged without it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from medisecure import aws
from medisecure.observability import metrics

logger = logging.getLogger(__name__)
CHARSET = "UTF-8"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar"
    data: bytes


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


class MailNotSent(Exception):
    """SES did not accept the message (refused, throttled or unreachable)."""


def send(message: Message) -> str:
    """Hand `message` to SES; its message id, or MailNotSent."""
    try:
        response = aws.client("sesv2").send_email(
            FromEmailAddress=settings.SES_SENDER,
            Destination={"ToAddresses": [message.to]},
            Content=_raw_content(message) if message.attachments else _simple_content(message),
            ConfigurationSetName=settings.SES_CONFIGURATION_SET,
        )
    except ClientError as error:
        logger.warning("SES refused a message: %s", error.response.get("Error", {}).get("Code", "unknown"))
        metrics.count(metrics.SES_FAILURES)
        raise MailNotSent from error
    except BotoCoreError as error:
        logger.warning("SES unreachable: %s", type(error).__name__)
        metrics.count(metrics.SES_FAILURES)
        raise MailNotSent from error
    return response["MessageId"]


def _simple_content(message: Message) -> dict:
    return {
        "Simple": {
            "Subject": {"Data": message.subject, "Charset": CHARSET},
            "Body": {
                "Text": {"Data": message.text, "Charset": CHARSET},
                "Html": {"Data": message.html, "Charset": CHARSET},
            },
        }
    }


def _raw_content(message: Message) -> dict:
    mime = EmailMessage()
    mime["From"] = settings.SES_SENDER
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        mime.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return {"Raw": {"Data": mime.as_bytes()}}
