"""What a person types to move their account to a new address: the
address, then the 6-digit code sent to it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medisecure.forms import EmailAddressField, ErrorSummaryMixin


class NewEmailForm(ErrorSummaryMixin, forms.Form):
    email = EmailAddressField(
        label=_("New email address"),
        help_text=_("We email a 6-digit code to it. Your address stays as it is until you enter the code."),
    )


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
