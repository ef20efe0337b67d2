"""The front desk's input: which day, and a caller's name and date of birth."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from medisecure.forms import ErrorSummaryMixin, PersonNameField


class DeskDayForm(forms.Form):
    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day and not 2000 <= day.year < 2200:
            raise ValidationError("Choose a date between the years 2000 and 2199.")
        return day


class CallerSearchForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(label="Given name")
    family_name = PersonNameField(label="Family name")
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as year-month-day, e.g. 1985-04-12."},
    )
