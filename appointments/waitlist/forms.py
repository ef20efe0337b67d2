"""A patient's input for the waitlist: whom to wait for, and the reason for
the visit when they book the time held for them."""

from __future__ import annotations

from django import forms

from appointments.forms import ID_PATTERN, REASON_MAX_LENGTH
from medisecure.forms import ErrorSummaryMixin, TextField


class WaitlistJoinForm(forms.Form):
    doctor = forms.RegexField(regex=ID_PATTERN, widget=forms.HiddenInput)
    visit_type = forms.RegexField(regex=ID_PATTERN, required=False, widget=forms.HiddenInput)


class HoldClaimForm(ErrorSummaryMixin, forms.Form):
    reason = TextField(
        label="Reason for the visit",
        multiline=True,
        max_length=REASON_MAX_LENGTH,
        help_text=f"A few words for your doctor, at most {REASON_MAX_LENGTH} characters.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Tell the doctor briefly why you want to be seen.",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
