#!/bin/sh
# Collects the static files into the image while it is built (Dockerfile).
#
# Production settings refuse to load without their secrets, and a build must
# never see the real ones. This one command gets throwaway stand-ins that
# live only for its duration: they are not ENV lines, so nothing of them is
# kept in the image, and collectstatic touches no database or AWS service.
set -eu
cd "$(dirname "$0")/../.."
env \
    MEDISECURE_ENV=production \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    SIGNUP_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    SITE_URL=https://build.invalid \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    COGNITO_USER_POOL_ID=build-only \
    COGNITO_APP_CLIENT_ID=build-only \
    COGNITO_APP_CLIENT_SECRET=build-only \
    DOCUMENTS_KMS_KEY_ID=build-only \
    DATABASE_URL="postgres://build@build.invalid/build?sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem" \
    DATABASE_PASSWORD=build-only \
    EMERGENCY_ACCESS_NOTIFY=build@build.invalid \
    python manage.py collectstatic --noinput
