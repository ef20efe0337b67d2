from django import forms


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\d{6}$",
        label="6-digit code from your authenticator app",
        max_length=6,
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows now."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
