"""A pytest plugin (loaded with `-p` from pytest.ini) that points the
settings at a private local AWS stack before Django reads them.

It runs before conftest files and before pytest-django loads the settings,
which is the only moment environment variables still shape them. The
session's stack itself is started by the `local_stack` fixture."""

import os
import socket

import pytest


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    port = _free_loopback_port()
    os.environ.update(
        {
            "MEDISECURE_ENV": "local",
            "LOCAL_STACK_URL": f"http://127.0.0.1:{port}",
            "TABLE_PREFIX": "test-",
            "DOCUMENTS_BUCKET": "test-documents",
            "AUDIT_ARCHIVE_BUCKET": "test-audit-archive",
            "COGNITO_USER_POOL_NAME": "medisecure-test",
            # Present but empty, so a developer's .local/stack.env is not read
            # into the test settings; the aws fixture fills them per test.
            "COGNITO_USER_POOL_ID": "",
            "COGNITO_APP_CLIENT_ID": "",
            "COGNITO_APP_CLIENT_SECRET": "",
            "SITE_URL": "http://testserver",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DJANGO_DEBUG": "false",
            "STAFF_MFA_REQUIRED": "false",
        }
    )
