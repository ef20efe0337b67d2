"""Session lifetime and the fail-closed access rule."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import auth
from django.http import Http404
from django.shortcuts import redirect

from audit.domain import ALLOWED
from audit.services import audit_record
from medisecure.identity.access import ACCESS_RULE
from medisecure.identity.oidc import cognito_logout_url
from medisecure.identity.session_keys import LAST_SEEN, MFA_ENROLMENT_REQUIRED, SIGNED_IN_AT

# Writing the session on every request would cost a database write each
# time; a minute's precision is plenty for a 15-minute idle limit.
LAST_SEEN_RESOLUTION_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT_SECONDS without a request,
    and in any case SESSION_COOKIE_AGE after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            idle = now - session.get(LAST_SEEN, now)
            age = now - session.get(SIGNED_IN_AT, now)
            if idle > settings.SESSION_IDLE_TIMEOUT_SECONDS or age > settings.SESSION_COOKIE_AGE:
                audit_record(
                    request=request,
                    action="auth.session_expired",
                    outcome=ALLOWED,
                    detail={"reason": "idle" if idle > settings.SESSION_IDLE_TIMEOUT_SECONDS else "lifetime"},
                )
                auth.logout(request)
                # End the sign-in service session too, or the next "Sign in"
                # would silently resume it on a shared computer.
                return redirect(cognito_logout_url(reason="expired"))
            if now - session.get(LAST_SEEN, 0) > LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class AccessRuleMiddleware:
    """A view without a declared access rule is unreachable (404), so a view
    someone forgets to protect fails closed. The Django admin keeps its own
    rule (AdminSite.has_permission, which requires the admin role).

    Staff who must still enrol in MFA reach nothing but the enrolment page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        is_admin = match is not None and match.app_name == "admin"
        rule = getattr(view_func, ACCESS_RULE, None)
        if rule is None and not is_admin:
            raise Http404
        if (
            request.user.is_authenticated
            and request.session.get(MFA_ENROLMENT_REQUIRED)
            and not getattr(view_func, "allowed_during_mfa_enrolment", False)
        ):
            return redirect("mfa_setup")
        return None
