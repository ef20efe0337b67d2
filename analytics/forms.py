"""The dashboard's date range: two days, each counted as its ISO week."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from analytics.domain import WEEKS_AT_MOST
from medisecure.forms import CalendarDayField


class DateRangeForm(forms.Form):
    start = CalendarDayField(label="From (the week of)", required=False)
    end = CalendarDayField(label="To (the week of)", required=False)

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            missing = "start" if start is None else "end"
            self.add_error(missing, "Enter both days, or neither for the last twelve weeks.")
        elif start is not None and end is not None:
            if end < start:
                self.add_error("end", "Choose a day on or after the first day.")
            elif (end - timedelta(days=end.weekday())) - (
                start - timedelta(days=start.weekday())
            ) >= timedelta(weeks=WEEKS_AT_MOST):
                self.add_error("end", "Choose a range of at most two years (104 weeks).")
        return cleaned
