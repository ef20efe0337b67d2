"""Access rules. Every view declares one, or AccessRuleMiddleware makes it
unreachable: `public` for pages anyone may open, `role_required(...)` for the
rest. Denials are audited."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from audit.domain import DENIED
from audit.services import audit_record
from medisecure.identity.roles import Role

ACCESS_RULE = "access_rule"
PUBLIC = "public"
SIGNED_IN = "signed-in"


def public(view):
    setattr(view, ACCESS_RULE, PUBLIC)
    return view


def signed_in(view):
    """Any signed-in person, whatever their role (sign-out, MFA enrolment)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("oidc_authentication_init"))
        return view(request, *args, **kwargs)

    setattr(wrapper, ACCESS_RULE, SIGNED_IN)
    return wrapper


def role_required(*roles: Role):
    allowed = frozenset(roles)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("oidc_authentication_init"))
            if not user.role:
                return render(request, "identity/not_enabled.html", status=403)
            if user.role_enum not in allowed:
                audit_record(
                    request=request,
                    action="access.denied",
                    outcome=DENIED,
                    resource_type="page",
                    resource_id=request.resolver_match.view_name if request.resolver_match else "",
                )
                return render(request, "errors/403.html", status=403)
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_RULE, allowed)
        return wrapper

    return decorate
