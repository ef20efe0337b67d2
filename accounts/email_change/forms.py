"""What a person types to move their account to a new address: the
address, then the 6-digit code sent to it."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medisecure.forms import ErrorSummaryMixin

# As sign-up's: the pool's email attribute and the sign-up form's limit.
EMAIL_MAX_LENGTH = 128


class NewEmailForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("New email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We email a 6-digit code to it. Your address stays as it is until you enter the code."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": format_lazy(
                _("Use an email address of at most {count} characters."), count=EMAIL_MAX_LENGTH
            ),
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class EmailCodeForm(ErrorSummaryMixin, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label=_("6-digit code from the email"),
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits from the email we sent to your new address.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()
