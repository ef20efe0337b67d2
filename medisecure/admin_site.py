"""The Django admin, signed into through Cognito like every other page and
open only to the admin role."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

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

    def login(self, request, extra_context=None):
        # No local passwords: the admin signs in through the same OIDC flow.
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, reverse("oidc_authentication_init"))
