"""Every check on what a person types to sign up: their details, the
emailed code, and the password they choose once the address is proven
(the user pool's policy)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medisecure.forms import (
    DateOfBirthField,
    ErrorSummaryMixin,
    NewPasswordMixin,
    PersonNameField,
    PhoneField,
    new_password_field,
    password_rules,
)
from patients.signup.domain import SignupDetails

# The email is the Cognito username, and Cognito usernames stop at 128.
EMAIL_MAX_LENGTH = 128


class SignupForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(
        label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = PersonNameField(
        label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send a 6-digit code here. You sign in with this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": format_lazy(
                _("Use an email address of at most {count} characters."), count=EMAIL_MAX_LENGTH
            ),
        },
    )
    date_of_birth = DateOfBirthField(label=_("Date of birth"))
    phone = PhoneField(
        label=_("Mobile phone"), widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def details(self) -> SignupDetails:
        data = self.cleaned_data
        return SignupDetails(
            email=data["email"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
        )


def _password_help() -> str:
    rules = "; ".join(str(rule).lower() for rule in password_rules())
    return _("It must have: %(rules)s.") % {"rules": rules}


class ChoosePasswordForm(NewPasswordMixin, ErrorSummaryMixin, forms.Form):
    """The password, chosen once the address is proven; it goes straight to
    the user pool and is never stored."""

    password = new_password_field(
        _("Choose a password"),
        help_text=lazy(_password_help, str)(),
    )
    password_again = new_password_field(_("Type the password again"))


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(_("Enter the 6 digits from the email."), code="format")
        return code
