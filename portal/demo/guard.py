"""Demo data never reaches a real account: seed_demo runs only with the
local posture and an AWS endpoint on this machine's loopback."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlparse

from django.conf import settings

LOOPBACK_NAMES = {"localhost"}


class DemoRefused(Exception):
    """Not the local stack: nothing was written."""


def local_stack_check() -> None:
    if settings.IS_PRODUCTION:
        raise DemoRefused("MEDISECURE_ENV is production: the demo clinic is for the local stack only.")
    endpoint = settings.AWS_ENDPOINT_URL
    if not endpoint or not _is_loopback(urlparse(endpoint).hostname or ""):
        raise DemoRefused(
            f"The AWS endpoint ({endpoint or 'AWS itself'}) is not the local stack on this machine's loopback."
        )


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
