from django import forms
from django.utils.translation import gettext_lazy as _


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\d{6}$",
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows now.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
