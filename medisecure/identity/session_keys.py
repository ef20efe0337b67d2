"""Names of the values the portal keeps in a person's server-side session."""

LAST_SEEN = "last_seen"
SIGNED_IN_AT = "signed_in_at"
MFA_ENROLMENT_REQUIRED = "mfa_enrolment_required"
MFA_PENDING_SECRET = "mfa_pending_secret"
ACCESS_TOKEN = "oidc_access_token"  # where mozilla-django-oidc stores it
IDENTITY_CHECKED_AT = "identity_checked_at"  # when role and enabled state were last checked
REFRESH_TOKEN = "oidc_refresh_token"  # revoked at sign-out
EMAIL_CHANGE_PENDING = "email_change_pending"  # the address a change waits to verify
