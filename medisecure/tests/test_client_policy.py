"""Every AWS client the portal uses follows one retry, timeout and signature
policy (medisecure/aws.py), including the S3 client django-storages builds
for itself."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages

from medisecure import aws


def _policy(client) -> dict:
    config = client.meta.config
    return {
        "retries": config.retries,
        "connect_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
    }


@pytest.mark.parametrize("alias", ["default", "documents"])
def test_the_s3_storages_client_has_the_retry_mode_and_timeouts_of_every_other_client(alias):
    storage_client = storages[alias].connection.meta.client
    for service in ("dynamodb", "s3", "sesv2", "cognito-idp"):
        assert _policy(storage_client) == _policy(aws.client(service)), service
    assert storage_client.meta.config.retries == {
        "mode": "standard",
        "total_max_attempts": aws.TOTAL_ATTEMPTS,
    }
    assert storage_client.meta.config.connect_timeout == aws.CONNECT_TIMEOUT_SECONDS
    assert storage_client.meta.config.read_timeout == aws.READ_TIMEOUT_SECONDS


@pytest.mark.parametrize("alias", ["default", "documents"])
def test_the_s3_storages_sign_with_sigv4(alias):
    assert storages[alias].connection.meta.client.meta.config.signature_version == "s3v4"
