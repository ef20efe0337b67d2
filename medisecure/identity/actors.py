"""Who is acting, and from where: what every service is told instead of a
request.

An `Actor` is built once per request by ActorMiddleware (or by hand in a
management command, a stream handler or a test); an `AuditContext` carries
the request's id, the client's address and user agent into audit events.
Neither holds anything a service could use to reach the HTTP layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from medisecure.identity.roles import Role

USER_AGENT_LIMIT = 256
ANONYMOUS_ROLE = "anonymous"
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    """A person by their Cognito sub and role, or an operator's command
    (`system:<name>`, role "system")."""

    user_id: str
    role: str  # a Role value, "anonymous" or "system"
    display_name: str = ""
    mfa_done: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.role != ANONYMOUS_ROLE

    def has_role(self, *roles: Role) -> bool:
        return self.role in {role.value for role in roles}


ANONYMOUS = Actor(user_id="anonymous", role=ANONYMOUS_ROLE)


def system_actor(command: str) -> Actor:
    """The actor of an operator's command or a scheduled job."""
    return Actor(user_id=f"system:{command}", role=SYSTEM_ROLE, display_name=command)


@dataclass(frozen=True)
class AuditContext:
    """Where a request came from, as its audit events record it."""

    request_id: str = ""
    ip: str = ""
    user_agent: str = ""


NO_REQUEST = AuditContext()


def actor_of(user) -> Actor:
    """The actor for a Django user (the portal's mirror of a Cognito user)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return Actor(
        user_id=user.username,
        role=user.role or "none",
        display_name=_display_name(user),
        mfa_done=bool(getattr(user, "mfa_done", False)),
    )


def _display_name(user) -> str:
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full_name or getattr(user, "email", "")


def client_ip(request) -> str:
    """The client's address. Behind the load balancer the right-most
    X-Forwarded-For entry is the one it added; earlier entries are whatever
    the client claimed and are not trusted."""
    if settings.IS_PRODUCTION:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def audit_context_of(request) -> AuditContext:
    return AuditContext(
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LIMIT],
    )


class ActorMiddleware:
    """Sets `request.actor` and `request.audit` for the views, after the
    authentication middleware. A view that signs someone in or out builds a
    new actor itself (`actor_of(user)`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = actor_of(getattr(request, "user", None))
        request.audit = audit_context_of(request)
        return self.get_response(request)
