"""The Django admin, signed into through Cognito like every other page and
open only to the admin role."""

import functools
import logging

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.views import end_session
from audit.domain import DENIED
from audit.services import audit_record
from medisecure.admin_sections import RecordSection
from medisecure.aws import is_unavailable
from medisecure.identity.oidc import cognito_logout_url
from medisecure.identity.roles import Role
from medisecure.identity.session_keys import MFA_ENROLMENT_REQUIRED

logger = logging.getLogger(__name__)


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
            # Counts only on the index itself: every admin page builds this
            # list (each_context), and a count costs a Query.
            match = getattr(request, "resolver_match", None)
            counted = match is not None and match.url_name == "index"
            entries: dict[str, dict] = {}
            for section in self._sections:
                entry = self._index_entry(section, counted=counted)
                # Sections of one app (Compliance: the audit trail, analytics) share its box.
                if section.app_label in entries:
                    entries[section.app_label]["models"] += entry["models"]
                else:
                    entries[section.app_label] = entry
            app_list += list(entries.values())
            app_list.sort(key=lambda app: app["name"].lower())
        return app_list

    def _index_entry(self, section: RecordSection, *, counted: bool) -> dict:
        url = reverse(f"admin:{section.list_url_name}", current_app=self.name)
        badge = self._badge(section) if counted else ""
        return {
            "name": section.app_name,
            "app_label": section.app_label,
            "app_url": url,
            "has_module_perms": True,
            "models": [
                {
                    "name": f"{section.name} ({badge})" if badge else section.name,
                    "object_name": section.object_name,
                    "perms": {"add": False, "change": True, "delete": False, "view": True},
                    "admin_url": url,
                    "add_url": None,
                    "view_only": False,
                }
            ],
        }

    @staticmethod
    def _badge(section: RecordSection) -> str:
        """The section's count for the index; a count DynamoDB cannot give
        just now is left off (the index still opens, and the section's own
        page says what is wrong)."""
        if section.badge is None:
            return ""
        try:
            return section.badge()
        except Exception as error:
            if not is_unavailable(error):
                raise
            logger.warning("admin index: %s count unavailable", section.name)
            return ""

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
                    actor=request.actor,
                    audit=request.audit,
                    action="access.denied",
                    outcome=DENIED,
                    resource_type="page",
                    resource_id="admin",
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
        end_session(request)
        return redirect(logout_url)
