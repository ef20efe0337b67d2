"""What a person types to get back in (their email, the emailed code, a
new password) and to change their password: the new password is checked
against the pool's policy with the same messages as sign-up."""

from __future__ import annotations

from django import forms

from medisecure.forms import PASSWORD_MAX_LENGTH, ErrorSummaryMixin, NewPasswordMixin, new_password_field

# As sign-up's: the email is the Cognito username.
EMAIL_MAX_LENGTH = 128


class _NewPasswordMixin(NewPasswordMixin):
    passwords_differ = "The two passwords are not the same. Type the new password again."


class ForgotPasswordForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        help_text="The address you sign in with. We email a code to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter an email address like name@example.com.",
            "max_length": f"Use an email address of at most {EMAIL_MAX_LENGTH} characters.",
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ResetPasswordForm(_NewPasswordMixin, ErrorSummaryMixin, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="6-digit code from the email",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits from the email we sent you."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = new_password_field("New password")
    password_again = new_password_field("Type the new password again")

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class ChangePasswordForm(_NewPasswordMixin, ErrorSummaryMixin, forms.Form):
    current_password = forms.CharField(
        label="Current password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = new_password_field("New password")
    password_again = new_password_field("Type the new password again")
