"""The fail-closed access rule: a view that declares no rule is unreachable."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from medisecure.identity.access import ACCESS_RULE
from medisecure.identity.session_keys import MFA_ENROLMENT_REQUIRED


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
