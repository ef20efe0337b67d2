"""Every check on what a person types to sign up: their details, the
emailed code, and the password they choose once the address is proven
(the user pool's policy)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from medisecure.forms import (
    DateOfBirthField,
    EmailAddressField,
    ErrorSummaryMixin,
    NewPasswordMixin,
    PersonNameField,
    PhoneField,
    new_password_field,
    password_rules,
)
from patients.signup.domain import SignupDetails


class SignupForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(
        label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = PersonNameField(
        label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = EmailAddressField(
        label=_("Email address"), help_text=_("We send a 6-digit code here. You sign in with this address.")
    )
    date_of_birth = DateOfBirthField(label=_("Date of birth"))
    phone = PhoneField(
        label=_("Mobile phone"), widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )

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
