"""/healthz: is each dependency answering? Names what failed, nothing more."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from medisecure import aws
from medisecure.tables import AUDIT_LOGS, physical_name

logger = logging.getLogger(__name__)


def _dynamodb():
    aws.client("dynamodb").describe_table(TableName=physical_name(AUDIT_LOGS))


def _cognito():
    aws.client("cognito-idp").describe_user_pool(UserPoolId=settings.COGNITO_USER_POOL_ID)


def _s3():
    aws.client("s3").head_bucket(Bucket=settings.DOCUMENTS_BUCKET)


def _ses():
    # The configuration set every message is sent through: named in settings
    # and present in AWS and the local stack alike (a sender address may be
    # covered by a domain identity, so it is not looked up by itself).
    aws.client("sesv2").get_configuration_set(ConfigurationSetName=settings.SES_CONFIGURATION_SET)


CHECKS = {"dynamodb": _dynamodb, "cognito": _cognito, "s3": _s3, "ses": _ses}


def dependency_status() -> dict[str, str]:
    status = {}
    for name, check in CHECKS.items():
        try:
            check()
            status[name] = "ok"
        except (BotoCoreError, ClientError) as exc:
            logger.warning("health check failed for %s: %s", name, type(exc).__name__)
            status[name] = "unavailable"
    return status
