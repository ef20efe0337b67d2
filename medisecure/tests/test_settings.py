"""Production settings refuse what only belongs on a developer's machine.
Each case starts a fresh interpreter, since settings are read once."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _production_env(**overrides):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "medisecure.settings",
        "MEDISECURE_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "SIGNUP_SECRET_KEY": secrets.token_urlsafe(64),
        "SITE_URL": "https://portal.clinic.example",
        "DJANGO_ALLOWED_HOSTS": "portal.clinic.example",
        "COGNITO_USER_POOL_ID": "us-east-1_Example",
        "COGNITO_APP_CLIENT_ID": "example-client",
        "COGNITO_APP_CLIENT_SECRET": "example-secret",
        "COGNITO_DOMAIN_PREFIX": "clinic-example",
        "DOCUMENTS_KMS_KEY_ID": "arn:aws:kms:us-east-1:111122223333:key/example",
        # `check` never connects: the URL only has to name PostgreSQL.
        "DATABASE_URL": (
            "postgres://medisecure@db.clinic.example:5432/medisecure"
            "?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem"
        ),
        "DATABASE_PASSWORD": "example-database-password",
        "EMERGENCY_ACCESS_NOTIFY": "privacy@clinic.example",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def _manage(*args, **overrides):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_like_settings_pass_the_deploy_checks_with_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, "AWS_ENDPOINT_URL"),
        ({"COGNITO_HOSTED_UI_URL": "http://localhost:4566"}, "COGNITO_HOSTED_UI_URL"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": "local-only-insecure-key-never-used-in-production"}, "DJANGO_SECRET_KEY"),
        ({"SITE_URL": "http://portal.clinic.example"}, "SITE_URL must be https"),
        ({"STAFF_MFA_REQUIRED": "false"}, "STAFF_MFA_REQUIRED"),
        ({"COGNITO_APP_CLIENT_SECRET": ""}, "COGNITO_APP_CLIENT_SECRET"),
        # None: the variable is not set at all, as when a secret was not injected.
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"COGNITO_APP_CLIENT_SECRET": None}, "COGNITO_APP_CLIENT_SECRET"),
        ({"DATABASE_PASSWORD": None}, "DATABASE_PASSWORD"),
        ({"DOCUMENTS_KMS_KEY_ID": None}, "DOCUMENTS_KMS_KEY_ID"),
        ({"SITE_URL": "https://127.0.0.1:8000"}, "SITE_URL points at a local endpoint"),
        ({"COGNITO_ISSUER": "http://localhost:4566/us-east-1_Example"}, "COGNITO_ISSUER"),
        ({"DATABASE_URL": "sqlite:////tmp/medisecure.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
        ({"SIGNUP_SECRET_KEY": ""}, "SIGNUP_SECRET_KEY"),
        ({"SIGNUP_SECRET_KEY": "local-only-signup-key-never-used-in-production"}, "SIGNUP_SECRET_KEY"),
        ({"EMERGENCY_ACCESS_NOTIFY": None}, "EMERGENCY_ACCESS_NOTIFY"),
        (
            {"DATABASE_URL": "postgres://medisecure@db.clinic.example:5432/medisecure?sslmode=require"},
            "sslmode=verify-full",
        ),
        (
            {"DATABASE_URL": "postgres://medisecure@db.clinic.example:5432/medisecure?sslmode=verify-full"},
            "sslrootcert",
        ),
    ],
    ids=[
        "local-aws-endpoint",
        "local-hosted-ui",
        "debug",
        "default-secret",
        "plain-http",
        "no-staff-mfa",
        "no-client-secret",
        "unset-secret-key",
        "unset-client-secret",
        "unset-database-password",
        "unset-documents-key",
        "local-site-url",
        "local-issuer",
        "sqlite-database",
        "no-signup-secret",
        "default-signup-secret",
        "no-emergency-notify",
        "database-certificate-unchecked",
        "database-without-ca-bundle",
    ],
)
def test_production_refuses_to_start_with_a_developer_setting(override, complaint):
    result = _manage("check", **override)

    assert result.returncode != 0
    assert "Refusing production settings" in result.stderr and complaint in result.stderr


def test_production_cookies_are_secure_and_http_only():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)",
        ],
        cwd=REPO,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "True", "Lax"], result.stderr
