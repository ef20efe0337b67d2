"""What a person types to get back in (their email, the emailed code, a
new password) and to change their password: the new password is checked
against the pool's policy with the same messages as sign-up."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medisecure.forms import (
    PASSWORD_MAX_LENGTH,
    EmailAddressField,
    ErrorSummaryMixin,
    NewPasswordMixin,
    new_password_field,
)


class _NewPasswordMixin(NewPasswordMixin):
    passwords_differ = _("The two passwords are not the same. Type the new password again.")


class ForgotPasswordForm(ErrorSummaryMixin, forms.Form):
    email = EmailAddressField(
        label=_("Email address"), help_text=_("The address you sign in with. We email a code to it.")
    )


class ResetPasswordForm(_NewPasswordMixin, ErrorSummaryMixin, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label=_("6-digit code from the email"),
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits from the email we sent you.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = new_password_field(_("New password"))
    password_again = new_password_field(_("Type the new password again"))

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class ChangePasswordForm(_NewPasswordMixin, ErrorSummaryMixin, forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = new_password_field(_("New password"))
    password_again = new_password_field(_("Type the new password again"))
