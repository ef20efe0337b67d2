"""The front desk's input: which day, and a caller's name and date of birth."""

from __future__ import annotations

from django import forms

from medisecure.forms import CalendarDayField, DateOfBirthField, ErrorSummaryMixin, PersonNameField


class DeskDayForm(forms.Form):
    day = CalendarDayField(required=False)


class CallerSearchForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(label="Given name")
    family_name = PersonNameField(label="Family name")
    date_of_birth = DateOfBirthField(label="Date of birth")
