"""The one place that builds boto3 clients.

Every AWS call in the portal goes through a client made here, so region,
endpoint (the local stack), retries and timeouts are decided once. Clients are
built lazily on first use (never at import) and cached per process: boto3
clients are thread-safe, resources are not, so only clients are handed out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

import boto3
from botocore.config import Config

# Every attempt a call may make, the first included: a throttled or failed
# call is retried three times with backoff, then its error reaches the
# middleware as a 503. (botocore's `max_attempts` counts retries only, which
# the name hides; `total_max_attempts` says what it means.)
TOTAL_ATTEMPTS = 4
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 5

_cache: dict[str, object] = {}
_cache_lock = threading.Lock()


def client_config(
    service: str,
    *,
    region: str,
    endpoint_url: str | None = None,
    read_timeout: float = READ_TIMEOUT_SECONDS,
) -> Config:
    """The retry, timeout and signature policy of every client the portal
    makes, including the ones libraries build themselves (django-storages
    takes it as its `client_config` option in settings.STORAGES)."""
    return Config(
        region_name=region,
        retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        # S3 presigned URLs must name the regional endpoint with SigV4.
        signature_version="s3v4" if service == "s3" else None,
        s3={"addressing_style": "path"} if endpoint_url and service == "s3" else None,
    )


def build_client(
    service: str,
    *,
    region: str,
    endpoint_url: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    read_timeout: float = READ_TIMEOUT_SECONDS,
):
    """Build a client with the project's retry and timeout policy.

    Credentials are passed only for the local stack; in AWS they come from the
    task role through boto3's default chain.
    """
    config = client_config(service, region=region, endpoint_url=endpoint_url, read_timeout=read_timeout)
    session = boto3.session.Session(
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        region_name=region,
    )
    built = session.client(service, endpoint_url=endpoint_url or None, config=config)
    if service == "dynamodb":
        # Round trips, consumed capacity and throttles, per request and as metrics.
        from medisecure.observability import dynamodb as dynamodb_tally

        dynamodb_tally.attach(built)
    return built


def client(service: str):
    """The portal's shared client for `service`, configured from settings."""
    cached = _cache.get(service)
    if cached is not None:
        return cached
    with _cache_lock:
        if service not in _cache:
            _cache[service] = _client_from_settings(service)
        return _cache[service]


def _client_from_settings(service: str):
    from django.conf import settings

    return build_client(
        service,
        region=settings.AWS_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        access_key_id=settings.AWS_ACCESS_KEY_ID,
        secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )


def cognito_secret_hash(username: str, *, client_id: str, client_secret: str) -> str:
    """SECRET_HASH that Cognito requires on every call naming a user when the
    app client has a secret: Base64(HMAC-SHA256(secret, username + client_id))."""
    digest = hmac.new(
        client_secret.encode("utf-8"),
        (username + client_id).encode("utf-8"),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode("ascii")


# Throttling or a service fault that outlasted the retries: the request can
# be repeated later, so it is answered 503, not 500.
_TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TooManyRequestsException",
        "TransactionInProgressException",
    }
)


def is_unavailable(error: BaseException) -> bool:
    """True when `error` means AWS could not be reached, or throttled or
    failed past the retry budget: nothing was done, and trying again later
    may work."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, BotoCoreError):
        return True
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _TRANSIENT_CODES
