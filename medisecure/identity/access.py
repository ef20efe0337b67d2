"""Access rules. Every view declares one, or AccessRuleMiddleware makes it
unreachable: `public` for pages anyone may open, `signed_in` for any
signed-in person, `role_required(...)` for the rest. A wrong role raises
RoleRefused, which the web shell's DomainErrorMiddleware audits and answers
with the 403 page."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from medisecure.errors import Forbidden
from medisecure.identity.roles import Role

ACCESS_RULE = "access_rule"
PUBLIC = "public"
SIGNED_IN = "signed-in"


class RoleRefused(Forbidden):
    """The page is not for the signed-in person's role."""


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
                raise RoleRefused
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_RULE, allowed)
        return wrapper

    return decorate
