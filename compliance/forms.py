from datetime import date, timedelta

from django import forms

from audit.domain import OUTCOMES
from medisecure.forms import CalendarDayField

PERSON_HELP = "An email address, or the id shown on an event."


class AuditSearchForm(forms.Form):
    user = forms.CharField(required=False, max_length=254, label="User", help_text=PERSON_HELP)
    patient = forms.CharField(required=False, max_length=254, label="Patient", help_text=PERSON_HELP)
    action = forms.RegexField(
        required=False,
        max_length=64,
        regex=r"^[a-z_]+(\.[a-z_]+)*$",
        label="Action",
        help_text="For example auth.sign_in or access.denied.",
        error_messages={"invalid": "Actions are lower-case words joined by dots, like auth.sign_in."},
    )
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome")] + [(outcome, outcome.title()) for outcome in OUTCOMES]
    )
    since = CalendarDayField(required=False, label="From")
    until = CalendarDayField(required=False, label="To")
    page = forms.CharField(required=False, max_length=4096, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the period is before its start.")
        for field in ("user", "patient"):
            cleaned[field] = (cleaned.get(field) or "").strip()
        return cleaned


class VerifyForm(forms.Form):
    """A period of up to 31 days; the last 7 (today included) by default,
    and either end alone counts the other from it."""

    MAX_DAYS = 31
    DEFAULT_DAYS = 7

    since = CalendarDayField(required=False, label="From")
    until = CalendarDayField(required=False, label="To")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        since, until = cleaned.get("since"), cleaned.get("until")
        window = timedelta(days=self.DEFAULT_DAYS - 1)
        if until is None:
            until = min(since + window, self.today) if since else self.today
        if since is None:
            since = until - window
        if until < since:
            self.add_error("until", "The end of the period is before its start.")
        elif (until - since).days + 1 > self.MAX_DAYS:
            self.add_error("until", f"Verify at most {self.MAX_DAYS} days at a time.")
        cleaned["since"], cleaned["until"] = since, until
        return cleaned
