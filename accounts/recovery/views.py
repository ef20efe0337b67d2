"""Forgot password (open to anyone: the email, then the emailed code and a
new password) and the signed-in person's password change. The address a
reset is for is kept in the browser's session between the two pages."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.recovery import services
from accounts.recovery.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from medisecure.forms import password_rules
from medisecure.identity.access import public, signed_in
from medisecure.identity.session_keys import ACCESS_TOKEN

RESET_EMAIL = "password_reset_email"
CODE_REFUSED = _(
    "That code is not right, or it is no longer valid. Check the latest email we sent, or ask for a new code."
)
PASSWORD_REFUSED = _("The sign-in service did not accept this password. Choose another one.")
WRONG_CURRENT = _("Your current password is not right.")


def _posted(request):
    return request.POST if request.method == "POST" else None


@public
@require_http_methods(["GET", "POST"])
def forgot_password(request):
    form = ForgotPasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            actor=request.actor, audit=request.audit, email=form.cleaned_data["email"]
        )
        request.session[RESET_EMAIL] = form.cleaned_data["email"]
        return redirect("recovery:reset_password")
    return render(request, "accounts/recovery/forgot_password.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def reset_password(request):
    email = request.session.get(RESET_EMAIL)
    if not email:
        return redirect("recovery:forgot_password")
    form = ResetPasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(
                actor=request.actor,
                audit=request.audit,
                email=email,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
            )
        except services.CodeRefused:
            form.add_error("code", CODE_REFUSED)
        except services.PasswordRefused:
            form.add_error("password", PASSWORD_REFUSED)
        else:
            request.session.pop(RESET_EMAIL, None)
            return redirect("recovery:password_reset_done")
    context = {"form": form, "password_rules": password_rules()}
    return render(request, "accounts/recovery/reset_password.html", context)


@public
@require_GET
def password_reset_done(request):
    return render(request, "accounts/recovery/password_reset_done.html")


@signed_in
@require_http_methods(["GET", "POST"])
def change_password(request):
    form = ChangePasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.actor,
                audit=request.audit,
                person=request.user,
                access_token=request.session.get(ACCESS_TOKEN, ""),
                current=form.cleaned_data["current_password"],
                password=form.cleaned_data["password"],
                keep_session=request.session.session_key or "",
            )
        except services.WrongCurrentPassword:
            form.add_error("current_password", WRONG_CURRENT)
        except services.PasswordRefused:
            form.add_error("password", PASSWORD_REFUSED)
        else:
            return redirect("recovery:password_changed")
    context = {"form": form, "password_rules": password_rules()}
    return render(request, "accounts/recovery/change_password.html", context)


@signed_in
@require_GET
def password_changed(request):
    return render(request, "accounts/recovery/password_changed.html")
