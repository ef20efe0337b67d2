"""People in the Django admin: the portal's mirror of the Cognito users, and
the page that changes a person's access (disable, enable, change role, reset
two-step sign-in) and the one that sends an invitation again. Each change is
the room's service, which checks the admin role itself and records the
reason."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from accounts.people import services
from accounts.people.domain import (
    CHANGE_ROLE,
    DISABLE,
    ENABLE,
    RESET_MFA,
    RESET_PASSWORD,
    ActionUnfinished,
    NotInvitable,
    OwnAccount,
    PersonNotFound,
)
from accounts.people.forms import AccessChangeForm, InvitationForm
from medisecure.identity.roles import Role
from medisecure.models import User

ACCESS = "medisecure_user_access"
INVITE_AGAIN = "medisecure_user_invite_again"
DONE = {
    DISABLE: "{email} is disabled: signed out everywhere, and their sign-in is refused.",
    ENABLE: "{email} is enabled: they can sign in again.",
    CHANGE_ROLE: "{email} now holds one role: {role}. They sign in again to use it.",
    RESET_MFA: "Two-step sign-in of {email} is reset: they set up their authenticator at the next sign-in.",
    RESET_PASSWORD: (
        "The password of {email} is reset: they are signed out everywhere and choose a new one "
        'with "Forgot your password?" on the sign-in page.'
    ),
}
UNFINISHED = (
    "The sign-in service could not be reached, so this did not finish. What was done errs on the "
    "side of less access; do the same again to finish it."
)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """People as mirrored from Cognito. Role, staff status and whether they
    may sign in change only through "Change access", which keeps Cognito and
    the portal together and records why."""

    list_display = ("email", "role", "is_active", "last_login", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("email", "username")
    ordering = ("email",)
    fields = ("username", "email", "role", "is_active", "is_staff", "last_login", "date_joined", "access")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Access")
    def access(self, user):
        url = reverse(f"admin:{ACCESS}", args=[user.pk])
        return format_html('<a class="button" href="{}">Change access…</a>', url)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/access/", wrap(self.access_view), name=ACCESS),
            path("invite-again/", wrap(self.invite_again_view), name=INVITE_AGAIN),
        ] + super().get_urls()

    def _context(self, request, **values):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **values}

    @staticmethod
    def _person(pk: int) -> User:
        person = User.objects.filter(pk=pk).first()
        if person is None:
            raise PersonNotFound
        return person

    @method_decorator(require_http_methods(["GET", "POST"]))
    def access_view(self, request, pk: int):
        person = self._person(pk)
        form = AccessChangeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            action = form.cleaned_data["action"]
            try:
                _change(request, person, action, form.cleaned_data)
            except OwnAccount:
                form.add_error("action", "Another admin must do this to your own account.")
            except ActionUnfinished:
                messages.error(request, UNFINISHED)
                return redirect(f"admin:{ACCESS}", pk=pk)
            else:
                messages.success(
                    request, DONE[action].format(email=person.email, role=form.cleaned_data["role"])
                )
                return redirect("admin:medisecure_user_change", pk)
        return render(
            request,
            "admin/accounts/person_access.html",
            self._context(request, person=person, form=form, title=f"Change access: {person.email}"),
        )

    @method_decorator(require_http_methods(["GET", "POST"]))
    def invite_again_view(self, request):
        form = InvitationForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.person_invitation_resend(
                    actor=request.actor,
                    audit=request.audit,
                    email=form.cleaned_data["email"],
                    reason=form.cleaned_data["reason"],
                )
            except PersonNotFound:
                form.add_error("email", "No one signs in with this email address.")
            except NotInvitable:
                form.add_error(
                    "email", "This person has already chosen their password: there is no invitation."
                )
            except ActionUnfinished:
                messages.error(request, UNFINISHED)
            else:
                messages.success(request, f"A new invitation was emailed to {form.cleaned_data['email']}.")
                return redirect("admin:medisecure_user_changelist")
        return render(
            request,
            "admin/accounts/invite_again.html",
            self._context(request, form=form, title="Send an invitation again"),
        )


def _change(request, person: User, action: str, cleaned: dict) -> None:
    values = {
        "actor": request.actor,
        "audit": request.audit,
        "person_id": person.username,
        "reason": cleaned["reason"],
    }
    if action == DISABLE:
        services.person_disable(**values)
    elif action == ENABLE:
        services.person_enable(**values)
    elif action == CHANGE_ROLE:
        services.person_role_change(**values, role=Role(cleaned["role"]))
    elif action == RESET_MFA:
        services.person_mfa_reset(**values)
    elif action == RESET_PASSWORD:
        services.person_password_reset(**values)
