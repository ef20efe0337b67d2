"""The one place that sends email: SES v2, through the settings'
configuration set (so bounces, complaints and delivery events are tracked
for every message), as plain text plus HTML.

Callers compose messages elsewhere; nothing here knows what they say. An
address is personal information, so failures are logged without it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from medisecure import aws

logger = logging.getLogger(__name__)
CHARSET = "UTF-8"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str


class MailNotSent(Exception):
    """SES did not accept the message (refused, throttled or unreachable)."""


def send(message: Message) -> str:
    """Hand `message` to SES; its message id, or MailNotSent."""
    try:
        response = aws.client("sesv2").send_email(
            FromEmailAddress=settings.SES_SENDER,
            Destination={"ToAddresses": [message.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": CHARSET},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": CHARSET},
                        "Html": {"Data": message.html, "Charset": CHARSET},
                    },
                }
            },
            ConfigurationSetName=settings.SES_CONFIGURATION_SET,
        )
    except ClientError as error:
        logger.warning("SES refused a message: %s", error.response.get("Error", {}).get("Code", "unknown"))
        raise MailNotSent from error
    except BotoCoreError as error:
        logger.warning("SES unreachable: %s", type(error).__name__)
        raise MailNotSent from error
    return response["MessageId"]
