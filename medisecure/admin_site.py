"""The Django admin, signed into through Cognito like every other page and
open only to the admin role."""

import functools
from dataclasses import dataclass
from typing import Callable

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


@dataclass(frozen=True)
class RecordSection:
    """A part of the admin over records kept in DynamoDB, which no ModelAdmin
    can serve: its pages (built by `urls(site)`, each wrapped in
    site.admin_view) and the entry the admin's index shows for them."""

    app_label: str
    app_name: str
    name: str  # as the index lists it, e.g. "Clinician applications"
    object_name: str
    list_url_name: str  # the section's list page, in the admin namespace
    urls: Callable


class PortalAdminSite(admin.AdminSite):
    site_header = "MediSecure administration"
    site_title = "MediSecure admin"
    index_title = "Clinic administration"
    enable_nav_sidebar = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sections: list[RecordSection] = []

    def register_section(self, section: RecordSection) -> None:
        """Called from an app's admin module, which autodiscovery imports."""
        self._sections.append(section)

    def portal_urls(self):
        """The admin pages the portal adds for records kept in DynamoDB."""
        return [url for section in self._sections for url in section.urls(self)]

    def get_urls(self):
        return self.portal_urls() + super().get_urls()

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is None and self.has_permission(request):
            app_list += [self._index_entry(section) for section in self._sections]
            app_list.sort(key=lambda app: app["name"].lower())
        return app_list

    def _index_entry(self, section: RecordSection) -> dict:
        url = reverse(f"admin:{section.list_url_name}", current_app=self.name)
        return {
            "name": section.app_name,
            "app_label": section.app_label,
            "app_url": url,
            "has_module_perms": True,
            "models": [
                {
                    "name": section.name,
                    "object_name": section.object_name,
                    "perms": {"add": False, "change": True, "delete": False, "view": True},
                    "admin_url": url,
                    "add_url": None,
                    "view_only": False,
                }
            ],
        }

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and user.role == Role.ADMIN.value
            and not request.session.get(MFA_ENROLMENT_REQUIRED)
        )

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

