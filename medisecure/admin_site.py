"""The Django admin, signed into through Cognito like every other page and
open only to the admin role."""

import functools

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.domain import DENIED
from audit.services import audit_record

from medisecure.identity import services as identity_services
from medisecure.identity.oidc import cognito_logout_url
from medisecure.identity.roles import Role
from medisecure.identity.session_keys import MFA_ENROLMENT_REQUIRED


class PortalAdminSite(admin.AdminSite):
    site_header = "MediSecure administration"
    site_title = "MediSecure admin"
    index_title = "Clinic administration"
    enable_nav_sidebar = False

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and user.role == Role.ADMIN.value
            and not request.session.get(MFA_ENROLMENT_REQUIRED)
        )

    def portal_urls(self):
        """The admin pages the portal adds for records kept in DynamoDB."""
        from audit import admin_views as audit_views

        return audit_views.urls(self)

    def get_urls(self):
        return self.portal_urls() + super().get_urls()

    def get_app_list(self, request, app_label=None):
        """The admin's index, with the records that live in DynamoDB listed
        beside the ORM's."""
        app_list = super().get_app_list(request, app_label)
        if app_label in (None, "compliance"):
            app_list.append(
                {
                    "name": "Compliance",
                    "app_label": "compliance",
                    "app_url": reverse("admin:audit_list"),
                    "has_module_perms": True,
                    "models": [
                        _entry("Audit trail", "admin:audit_list"),
                        _entry("Verify the audit trail", "admin:audit_verify"),
                    ],
                }
            )
        return app_list

    def admin_view(self, view, cacheable=False):
        """Someone signed in without the admin role is refused (and audited)
        rather than sent round to a sign-in page."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                audit_record(
                    request=request, action="access.denied", outcome=DENIED, resource_type="page", resource_id="admin"
                )
                return render(request, "errors/403.html", status=403)
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        """No local passwords: the admin signs in through the same OIDC flow."""
        if request.user.is_authenticated:
            return redirect("admin:index")
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, reverse("oidc_authentication_init"))

    def logout(self, request, extra_context=None):
        """The admin's "Log out" ends the portal and the Cognito session."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        logout_url = cognito_logout_url()
        identity_services.sign_out(request=request)
        return redirect(logout_url)


def _entry(name: str, url_name: str) -> dict:
    return {"name": name, "object_name": name, "admin_url": reverse(url_name), "view_only": True, "perms": {"view": True}}
