"""Sending email: the one place the portal calls SES.

Each message goes as plain text plus HTML through SES v2, from the clinic's
sender, under the configuration set (which records delivery events)."""

from __future__ import annotations

from django.conf import settings

from medisecure import aws


def send(*, to: str, subject: str, text: str, html: str) -> str:
    """Send one message to one address and return SES's message id. Raises
    botocore's errors when SES refuses or cannot be reached."""
    response = aws.client("sesv2").send_email(
        FromEmailAddress=settings.SES_SENDER,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": text, "Charset": "UTF-8"},
                    "Html": {"Data": html, "Charset": "UTF-8"},
                },
            }
        },
        ConfigurationSetName=settings.SES_CONFIGURATION_SET,
    )
    return response["MessageId"]
