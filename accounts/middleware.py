"""Session lifetime: a session ends after a spell without requests, and in
any case some hours after sign-in."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect

from accounts import services
from medisecure import clock
from medisecure.identity.actors import actor_of, audit_context_of
from medisecure.identity.oidc import cognito_logout_url
from medisecure.identity.session_keys import IDENTITY_CHECKED_AT, LAST_SEEN, SIGNED_IN_AT

# Writing the session on every request would cost a database write each
# time; a minute's precision is plenty for a 15-minute idle limit.
LAST_SEEN_RESOLUTION_SECONDS = 60
# After Cognito failed to answer a re-check, the next try is this much later.
RECHECK_RETRY_SECONDS = 60


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
                services.session_expired_record(
                    actor=actor_of(request.user),
                    audit=audit_context_of(request),
                    reason="idle" if idle > settings.SESSION_IDLE_TIMEOUT_SECONDS else "lifetime",
                )
                auth.logout(request)
                # End the sign-in service session too, or the next "Sign in"
                # would silently resume it on a shared computer.
                return redirect(cognito_logout_url(reason="expired"))
            if now - session.get(LAST_SEEN, 0) > LAST_SEEN_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class IdentityRecheckMiddleware:
    """At most every IDENTITY_RECHECK_MINUTES per session, checks the
    person's role and enabled state against the user pool, so a change made
    there bites within that window even for a session that stays active. A
    change signs them out everywhere; Cognito unreachable keeps the session
    and tries again a minute later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = clock.now().timestamp()
            session = request.session
            checked = session.get(IDENTITY_CHECKED_AT)
            window = settings.IDENTITY_RECHECK_MINUTES * 60
            if checked is None:
                session[IDENTITY_CHECKED_AT] = now
            elif now - checked >= window:
                found = services.identity_recheck(
                    actor=actor_of(request.user), audit=audit_context_of(request), person=request.user
                )
                if found in services.SIGNED_OUT:
                    auth.logout(request)
                    return redirect(cognito_logout_url(reason="expired"))
                retry_at = now + RECHECK_RETRY_SECONDS - window
                session[IDENTITY_CHECKED_AT] = retry_at if found == services.Recheck.UNAVAILABLE else now
        return self.get_response(request)
