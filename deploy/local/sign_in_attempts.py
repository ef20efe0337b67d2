"""A limit on password attempts at the local hosted UI, per account, as
Cognito's own hosted UI has: a fixed number of attempts in a fixed window,
counted in the local stack's DynamoDB by the same conditional update the
portal's rate limits use, so parallel guesses cannot pass the ceiling.

The counters live in a table of the hosted UI's own, made on first use
(and again after the stack is reset): it is no table of the portal's."""

from __future__ import annotations

import hashlib
import time

from botocore.exceptions import ClientError

from medisecure.aws import build_client
from medisecure.rate_limit_repository import attempt_update

from .user_pools import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY

TABLE = "local-hosted-ui-sign-in-attempts"
ATTEMPTS_PER_WINDOW = 10
WINDOW_SECONDS = 15 * 60


class TooManyAttempts(Exception):
    def __init__(self, retry_after_seconds: int):
        super().__init__(retry_after_seconds)
        self.retry_after_seconds = retry_after_seconds


class SignInAttempts:
    def __init__(self, *, endpoint_url: str, region: str):
        self._dynamodb = build_client(
            "dynamodb",
            region=region,
            endpoint_url=endpoint_url,
            access_key_id=LOCAL_ACCESS_KEY_ID,
            secret_access_key=LOCAL_SECRET_ACCESS_KEY,
        )

    def count(self, username: str) -> None:
        """Count one password attempt for `username`; TooManyAttempts when
        its window is full."""
        now = int(time.time())
        window = now // WINDOW_SECONDS
        window_ends = (window + 1) * WINDOW_SECONDS
        account = hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()
        update = attempt_update(f"{account}#{window}", ceiling=ATTEMPTS_PER_WINDOW, expires_at=window_ends)
        try:
            self._update(update)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise TooManyAttempts(max(1, window_ends - now)) from error

    def _update(self, update: dict) -> None:
        try:
            self._dynamodb.update_item(TableName=TABLE, **update)
        except self._dynamodb.exceptions.ResourceNotFoundException:
            self._create_table()
            self._dynamodb.update_item(TableName=TABLE, **update)

    def _create_table(self) -> None:
        try:
            self._dynamodb.create_table(
                TableName=TABLE,
                AttributeDefinitions=[{"AttributeName": "counterId", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "counterId", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except self._dynamodb.exceptions.ResourceInUseException:
            pass  # another request made it first
