"""MediSecure settings: one module, every value from the environment.

The defaults run the portal against the local AWS stack (deploy/local) with no
.env file. `MEDISECURE_ENV=production` switches on the production posture and
refuses to start with anything that only belongs on a developer's machine.
"""

from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

from medisecure.aws import client_config as aws_client_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("MEDISECURE_ENV", default="local")
if ENVIRONMENT not in ("local", "production"):
    raise ImproperlyConfigured("MEDISECURE_ENV must be 'local' or 'production'.")
IS_PRODUCTION = ENVIRONMENT == "production"

LOCAL_STACK_URL = env.str("LOCAL_STACK_URL", default="http://127.0.0.1:4566")
# bootstrap_aws writes the local user pool's generated ids here (local only).
LOCAL_STACK_ENV_FILE = BASE_DIR / ".local" / "stack.env"
if not IS_PRODUCTION:
    environ.Env.read_env(LOCAL_STACK_ENV_FILE, overwrite=False)

LOCAL_ONLY_SECRET_KEY = "local-only-insecure-key-never-used-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=LOCAL_ONLY_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

CLINIC_NAME = env.str("CLINIC_NAME", default="MediSecure Clinic")
CLINIC_ID = env.str("CLINIC_ID", default="clinic-local")
# The unit temperatures are shown in ("F" in a US clinic, "C"); the vitals
# form takes either, and charts convert every reading to this one.
CLINIC_TEMPERATURE_UNIT = env.str("CLINIC_TEMPERATURE_UNIT", default="F")
# Where "please call the clinic" sends people, and the place a calendar file names.
CLINIC_PHONE = env.str("CLINIC_PHONE", default="(555) 010-0100")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="1 Main Street, Springfield")
# Where a video visit is joined: {appointment_id} is filled in. Shown only to
# the patient and the doctor of the visit, on their pages (never in email).
TELEHEALTH_URL_TEMPLATE = env.str(
    "TELEHEALTH_URL_TEMPLATE", default="https://video.medisecure.test/visit/{appointment_id}"
)

# --- AWS -------------------------------------------------------------------
AWS_REGION = env.str("AWS_REGION", default="us-east-1")
AWS_ENDPOINT_URL = env.str("AWS_ENDPOINT_URL", default="" if IS_PRODUCTION else LOCAL_STACK_URL)
# Only the local stack takes fixed keys; in AWS the task role supplies them.
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="" if IS_PRODUCTION else "testing") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="" if IS_PRODUCTION else "testing") or None
TABLE_PREFIX = env.str("TABLE_PREFIX", default="medisecure-local-")
DOCUMENTS_BUCKET = env.str("DOCUMENTS_BUCKET", default="medisecure-local-documents")
# Every document key starts with this prefix: the task role may touch objects
# under it and nowhere else in the bucket (deploy/aws/template.yaml).
DOCUMENTS_KEY_PREFIX = env.str("DOCUMENTS_KEY_PREFIX", default="documents/")
# The customer-managed key documents are encrypted with. S3 uses its own
# AWS-managed key for a request that says "aws:kms" without naming one, and
# the bucket policy refuses those, so production must name the key.
DOCUMENTS_KMS_KEY_ID = env.str("DOCUMENTS_KMS_KEY_ID", default="")
# Patients' and doctors' uploads: the largest file accepted, and how long a
# download link works (S3 presigned URLs; at most 5 minutes).
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENTS_LINK_SECONDS = env.int("DOCUMENTS_LINK_SECONDS", default=60)
if not 0 < DOCUMENTS_LINK_SECONDS <= 300:
    raise ImproperlyConfigured("DOCUMENTS_LINK_SECONDS must be between 1 and 300.")
SES_SENDER = env.str("SES_SENDER", default="no-reply@medisecure.test")
SES_CONFIGURATION_SET = env.str("SES_CONFIGURATION_SET", default="medisecure-local")
AUDIT_CHAIN_COUNT = env.int("AUDIT_CHAIN_COUNT", default=8)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=7 * 365 + 2)
# The write-once copy of the trail (audit.archive): an S3 bucket with Object
# Lock in COMPLIANCE mode, written only by the archiver's own principal.
AUDIT_ARCHIVE_BUCKET = env.str("AUDIT_ARCHIVE_BUCKET", default="medisecure-local-audit-archive")
AUDIT_ARCHIVE_RETENTION_YEARS = 7
# An event younger than this may not have reached the archive yet (the
# stream consumer's lag); older and still not archived, verification names it.
AUDIT_ARCHIVE_GRACE_SECONDS = env.int("AUDIT_ARCHIVE_GRACE_SECONDS", default=300)
# Where alerts go (a MODIFY or REMOVE on the audit table): an SNS topic
# subscribed by the operations address in AWS; unset locally, where the
# alert is logged.
OPERATIONS_ALERT_TOPIC_ARN = env.str("OPERATIONS_ALERT_TOPIC_ARN", default="")
# The stream consumers `manage.py stream_consumer` runs (in AWS: Lambda
# functions behind event source mappings, deploy/aws/template.yaml): each a
# name (its checkpoints are its own), the table whose stream it reads and
# the dotted path of its handler (a callable taking a list of
# medisecure.streams.StreamRecord).
STREAM_CONSUMERS = {
    "audit-archive": {"table": "audit-logs", "handler": "audit.archive.handlers.archive_records"},
    # The marketer's de-identified counters (analytics.handlers), one projector per source.
    "analytics": {"table": "appointments", "handler": "analytics.handlers.project_appointments"},
    "analytics-signups": {"table": "patient-provisional", "handler": "analytics.handlers.project_signups"},
    "analytics-patients": {"table": "patients", "handler": "analytics.handlers.project_patients"},
}
# The key of the analytics markers' one-way names for patients and
# appointments (analytics.domain.pseudonym). Both ids are random (a Cognito
# sub, a UUID), so the name hides nothing a guess could find; the key only
# keeps the markers of one deployment apart from another's. The projector
# and the rebuild must share it: changing it makes every patient's next
# booking count as their first.
ANALYTICS_PSEUDONYM_KEY = env.str("ANALYTICS_PSEUDONYM_KEY", default="medisecure-analytics-markers")
# analytics_rebuild reads the source tables at most this many pages (of up
# to 100 items) a second, so a repair does not starve the portal's reads.
ANALYTICS_REBUILD_PAGES_PER_SECOND = env.float("ANALYTICS_REBUILD_PAGES_PER_SECOND", default=5.0)
# Emergency ("break the glass") access to a chart outside the doctor's care
# team: how long a grant lasts, and who is emailed the moment one is taken.
EMERGENCY_ACCESS_MINUTES = env.int("EMERGENCY_ACCESS_MINUTES", default=60)
EMERGENCY_ACCESS_NOTIFY = env.list(
    "EMERGENCY_ACCESS_NOTIFY", default=[] if IS_PRODUCTION else ["admin@medisecure.test"]
)

# --- Appointments -----------------------------------------------------------
# A patient may cancel or move an appointment until this long before it starts.
APPOINTMENT_CHANGE_CUTOFF_HOURS = env.int("APPOINTMENT_CHANGE_CUTOFF_HOURS", default=24)
# send_reminders emails patients whose appointment starts within this many hours.
APPOINTMENT_REMINDER_HOURS = env.int("APPOINTMENT_REMINDER_HOURS", default=24)
# A reminder claimed by a run that died before sending it is taken over by
# a later run after this long.
APPOINTMENT_REMINDER_CLAIM_MINUTES = env.int("APPOINTMENT_REMINDER_CLAIM_MINUTES", default=10)
# How far ahead patients may book.
BOOKING_HORIZON_WEEKS = env.int("BOOKING_HORIZON_WEEKS", default=4)

# --- Patient self-signup -----------------------------------------------------
# Keys the HMAC of every one-time code and of every finish link's secret (no
# password is ever kept: it is chosen after the code and goes straight to
# the user pool). Distinct from DJANGO_SECRET_KEY so either can be rotated
# alone; rotating it voids the codes and finish links in flight.
LOCAL_ONLY_SIGNUP_SECRET_KEY = "local-only-signup-key-never-used-in-production"
SIGNUP_SECRET_KEY = env.str("SIGNUP_SECRET_KEY", default=LOCAL_ONLY_SIGNUP_SECRET_KEY)
SIGNUP_CODE_TTL_MINUTES = env.int("SIGNUP_CODE_TTL_MINUTES", default=10)
SIGNUP_CODE_MAX_ATTEMPTS = env.int("SIGNUP_CODE_MAX_ATTEMPTS", default=5)
SIGNUP_RESEND_INTERVAL_SECONDS = env.int("SIGNUP_RESEND_INTERVAL_SECONDS", default=60)
SIGNUP_SENDS_PER_HOUR = env.int("SIGNUP_SENDS_PER_HOUR", default=5)
# How long a started sign-up can still be finished (the row's TTL, also
# enforced in code since DynamoDB deletes expired items late).
SIGNUP_PENDING_HOURS = env.int("SIGNUP_PENDING_HOURS", default=24)
# Phone numbers typed without a country code are read as this region's.
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="US")

# --- Rate limits (medisecure.rate_limits) --------------------------------------
# Attempts per client address in a fixed window. Generous for people behind
# one clinic or office address; tight enough that a script gets nowhere.
RATE_LIMITS = {
    "signup_start": {
        "attempts": env.int("RATE_LIMIT_SIGNUP_STARTS", default=20),
        "window_seconds": 3600,
    },
    "clinician_apply": {
        "attempts": env.int("RATE_LIMIT_CLINICIAN_APPLICATIONS", default=10),
        "window_seconds": 3600,
    },
    # Secure messages (patients.messages): per sender, new threads and replies.
    "message_send": {"attempts": 20, "window_seconds": 3600},
    # Per person: asking to move their account to a new email (each request
    # emails two addresses, whether or not the new one is free).
    "email_change": {"attempts": 5, "window_seconds": 3600},
    # Per doctor: emergency-access lookups (each try of a name, date of birth
    # and third identifier) and grants. A real emergency needs one or two;
    # anything more is searching, and the admins are told.
    "emergency_lookup": {
        "attempts": env.int("RATE_LIMIT_EMERGENCY_LOOKUPS", default=5),
        "window_seconds": 3600,
    },
    "emergency_grant": {
        "attempts": env.int("RATE_LIMIT_EMERGENCY_GRANTS", default=3),
        "window_seconds": 3600,
    },
}

# --- Cognito / OpenID Connect ------------------------------------------------
COGNITO_USER_POOL_NAME = env.str("COGNITO_USER_POOL_NAME", default="medisecure-local")
COGNITO_USER_POOL_ID = env.str("COGNITO_USER_POOL_ID", default="")
COGNITO_APP_CLIENT_NAME = env.str("COGNITO_APP_CLIENT_NAME", default="medisecure-portal")
COGNITO_DOMAIN_PREFIX = env.str("COGNITO_DOMAIN_PREFIX", default="medisecure-local")
# The hosted UI: https://<prefix>.auth.<region>.amazoncognito.com in AWS.
COGNITO_HOSTED_UI_URL = (
    env.str(
        "COGNITO_HOSTED_UI_URL",
        default="" if IS_PRODUCTION else LOCAL_STACK_URL,
    ).rstrip("/")
    or f"https://{COGNITO_DOMAIN_PREFIX}.auth.{AWS_REGION}.amazoncognito.com"
)
COGNITO_ISSUER = env.str(
    "COGNITO_ISSUER",
    default=(
        f"https://cognito-idp.{AWS_REGION}.amazonaws.com/{COGNITO_USER_POOL_ID}"
        if IS_PRODUCTION
        else f"{LOCAL_STACK_URL}/{COGNITO_USER_POOL_ID}"
    ),
)
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=IS_PRODUCTION)

OIDC_RP_CLIENT_ID = env.str("COGNITO_APP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("COGNITO_APP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile aws.cognito.signin.user.admin"
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{COGNITO_HOSTED_UI_URL}/oauth2/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{COGNITO_HOSTED_UI_URL}/oauth2/token"
OIDC_OP_USER_ENDPOINT = f"{COGNITO_HOSTED_UI_URL}/oauth2/userInfo"
OIDC_OP_JWKS_ENDPOINT = f"{COGNITO_ISSUER}/.well-known/jwks.json"
OIDC_OP_LOGOUT_URL_METHOD = "medisecure.identity.oidc.cognito_logout_url"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_STORE_ACCESS_TOKEN = True  # needed to enrol staff in TOTP MFA
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT_SECONDS", default=5.0)
OIDC_REDIRECT_REQUIRE_HTTPS = IS_PRODUCTION
OIDC_CALLBACK_CLASS = "accounts.views.CallbackView"
OIDC_AUTHENTICATE_CLASS = "accounts.views.AuthenticateView"
ALLOW_LOGOUT_GET_METHOD = False
LOGIN_URL = "oidc_authentication_init"
LOGIN_REDIRECT_URL = "home"
LOGIN_REDIRECT_URL_FAILURE = "sign_in_failed"
LOGOUT_REDIRECT_URL = "signed_out"

AUTHENTICATION_BACKENDS = ["medisecure.identity.oidc.CognitoOIDCBackend"]
AUTH_USER_MODEL = "medisecure.User"

# --- Sessions and web hardening ---------------------------------------------
SESSION_ENGINE = "medisecure.sessions"
SESSION_COOKIE_NAME = "medisecure_session"
CSRF_COOKIE_NAME = "medisecure_csrftoken"
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=15) * 60
# How often, at most, a session's role and the Cognito user's enabled state
# are checked again against the user pool (accounts.middleware).
IDENTITY_RECHECK_MINUTES = env.int("IDENTITY_RECHECK_MINUTES", default=5)
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_LIFETIME_HOURS", default=12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would drop the cookie on the OIDC callback
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SECURE_SSL_REDIRECT = IS_PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_HSTS_SECONDS = 63072000 if IS_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer's health check arrives without the site's host name.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Django -----------------------------------------------------------------
INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "mozilla_django_oidc",
    "medisecure",
    "audit",
    "accounts",
    "patients",
    "clinicians",
    "analytics",
    "appointments",
    "compliance",
    "portal",
]

MIDDLEWARE = [
    "medisecure.middleware.RequestIdMiddleware",
    # One JSON line (and EMF metrics) per request, timing all that follows.
    "medisecure.observability.requests.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # After SecurityMiddleware (its headers, and /healthz is exempt from its
    # HTTPS redirect), before anything that checks the Host header.
    "portal.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the language switch's cookie, else the browser's
    # Accept-Language (after the session, before CommonMiddleware, as
    # Django requires); a signed-in patient's stored preference replaces it
    # below, once the session's user is known.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.IdentityRecheckMiddleware",
    "medisecure.languages.PreferredLanguageMiddleware",
    # request.actor and request.audit, which views hand to services.
    "medisecure.identity.actors.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medisecure.middleware.SecurityHeadersMiddleware",
    "medisecure.identity.middleware.AccessRuleMiddleware",
    "portal.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "medisecure.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medisecure.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# In AWS the URL names host, user and database; the password arrives on its
# own from Secrets Manager, so the URL itself is not a secret.
DATABASE_PASSWORD = env.str("DATABASE_PASSWORD", default="")
if DATABASE_PASSWORD:
    DATABASES["default"]["PASSWORD"] = DATABASE_PASSWORD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = []  # no Django user has a usable password

LANGUAGE_CODE = "en"
# The languages the portal's pages and emails are written in (locale/,
# compiled by tools/compile_messages.py). A patient's preferred language
# outside these (patients.domain.LANGUAGES) is for arranging an interpreter.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The formats people read moments in, per language (medisecure.clinic_time).
FORMAT_MODULE_PATH = ["medisecure.formats"]
TIME_ZONE = env.str("CLINIC_TIME_ZONE", default="America/New_York")
# The zone doctors enter their hours in and patients see times in.
CLINIC_TIME_ZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic fills this for the container; locally WhiteNoise serves from the finders.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles") if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
# What both S3 storages share: the private bucket, SigV4 presigned links
# (S3 refuses any other signature on SSE-KMS objects), no ACLs, no overwrite.
_S3_OPTIONS = {
    "bucket_name": DOCUMENTS_BUCKET,
    "location": DOCUMENTS_KEY_PREFIX.rstrip("/"),
    "region_name": AWS_REGION,
    "endpoint_url": AWS_ENDPOINT_URL or None,
    "access_key": AWS_ACCESS_KEY_ID,
    "secret_key": AWS_SECRET_ACCESS_KEY,
    "default_acl": None,
    "querystring_auth": True,
    "file_overwrite": False,
    # The retries, timeouts, SigV4 and addressing every other client has
    # (medisecure/aws.py), not botocore's defaults (legacy retries, 60 s).
    "client_config": aws_client_config("s3", region=AWS_REGION, endpoint_url=AWS_ENDPOINT_URL or None),
}
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "querystring_expire": 300,
            "object_parameters": (
                {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": DOCUMENTS_KMS_KEY_ID}
                if IS_PRODUCTION
                else {"ServerSideEncryption": "AES256"}
            ),
        },
    },
    # Patients' documents: SSE-KMS on every object in every environment
    # (with the clinic's key where one is named; the local stack has none),
    # and writes that never replace an existing object.
    "documents": {
        "BACKEND": "medisecure.storage.NoOverwriteS3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "querystring_expire": DOCUMENTS_LINK_SECONDS,
            "object_parameters": {
                "ServerSideEncryption": "aws:kms",
                **({"SSEKMSKeyId": DOCUMENTS_KMS_KEY_ID} if DOCUMENTS_KMS_KEY_ID else {}),
            },
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Traces (medisecure/observability/tracing.py): "otlp" in AWS, to the
# collector sidecar on the task's loopback, which sends them to X-Ray;
# "console" prints them; "none" (the default) instruments nothing.
TRACES_EXPORTER = env.str("TRACES_EXPORTER", default="none")
if TRACES_EXPORTER not in ("otlp", "console", "none"):
    raise ImproperlyConfigured("TRACES_EXPORTER must be 'otlp', 'console' or 'none'.")
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="http://127.0.0.1:4318")

# One JSON object a line (medisecure/observability): CloudWatch Logs
# Insights reads the fields, and the lines with an `_aws` member are
# CloudWatch metrics (EMF). LOG_FORMAT=plain for a person reading a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "medisecure.middleware.RequestIdLogFilter"},
        "no_paths": {"()": "medisecure.observability.logs.NoPathsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "medisecure.observability.logs.PortalJsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["request_id", "no_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs carry query strings (OIDC codes); keep them out.
        "django.server": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        # The PDF's font subsetting logs the glyphs it keeps, and fpdf2 warns
        # of those the font lacks: letters of a patient's name, either way.
        "fontTools": {"level": "ERROR"},
        "fpdf": {"level": "ERROR"},
    },
}


def _refuse_unsafe_production_settings():
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if SIGNUP_SECRET_KEY in (LOCAL_ONLY_SIGNUP_SECRET_KEY, SECRET_KEY) or len(SIGNUP_SECRET_KEY) < 50:
        problems.append("SIGNUP_SECRET_KEY must be set to its own long random value")
    if SECRET_KEY == LOCAL_ONLY_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("DJANGO_SECRET_KEY must be set to a long random value")
    for name, url in (
        ("AWS_ENDPOINT_URL", AWS_ENDPOINT_URL),
        ("COGNITO_HOSTED_UI_URL", COGNITO_HOSTED_UI_URL),
        ("COGNITO_ISSUER", COGNITO_ISSUER),
        ("SITE_URL", SITE_URL),
    ):
        host = (urlparse(url).hostname or "") if url else ""
        if host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.") or url == LOCAL_STACK_URL:
            problems.append(f"{name} points at a local endpoint")
    if AWS_ENDPOINT_URL:
        problems.append("AWS_ENDPOINT_URL must be empty (AWS endpoints only)")
    if not (COGNITO_USER_POOL_ID and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        problems.append(
            "COGNITO_USER_POOL_ID, COGNITO_APP_CLIENT_ID and COGNITO_APP_CLIENT_SECRET are required"
        )
    if not SITE_URL.startswith("https://"):
        problems.append("SITE_URL must be https")
    if not STAFF_MFA_REQUIRED:
        problems.append("STAFF_MFA_REQUIRED must stay on")
    if not EMERGENCY_ACCESS_NOTIFY:
        # Break-glass access nobody hears about is not reviewed.
        problems.append("EMERGENCY_ACCESS_NOTIFY must name who is told of every emergency access")
    if not DOCUMENTS_KMS_KEY_ID:
        problems.append("DOCUMENTS_KMS_KEY_ID must name the documents bucket's KMS key")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        # SQLite would keep sessions on one container's disk: scaling out or
        # replacing a container would sign everyone out and lose the admin log.
        problems.append("DATABASE_URL must point at PostgreSQL")
    elif not DATABASES["default"].get("PASSWORD"):
        problems.append("DATABASE_PASSWORD (or a password in DATABASE_URL) is required")
    database_tls = DATABASES["default"].get("OPTIONS", {})
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not (
        database_tls.get("sslmode") == "verify-full" and database_tls.get("sslrootcert")
    ):
        # sslmode=require encrypts but trusts any certificate: whoever answers
        # on the database's address would read every session.
        problems.append("DATABASE_URL must use sslmode=verify-full with an sslrootcert (the RDS bundle)")
    if problems:
        raise ImproperlyConfigured("Refusing production settings: " + "; ".join(problems))


if IS_PRODUCTION:
    _refuse_unsafe_production_settings()
