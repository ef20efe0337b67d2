"""The doctor's input on their schedule: which stretch of it to show, and
why they cancel an appointment."""

from __future__ import annotations

from django import forms

from appointments.forms import REASON_MAX_LENGTH
from appointments.schedules.domain import DAY, WEEK
from medisecure.forms import CalendarDayField, ErrorSummaryMixin, TextField


class ScheduleForm(forms.Form):
    """Which stretch of the doctor's schedule to show: a day or a week from a
    local date (today when none is given), and the page within it."""

    view = forms.ChoiceField(required=False, choices=((DAY, "Day"), (WEEK, "Week")))
    start = CalendarDayField(required=False)
    page = forms.CharField(required=False, max_length=2048)


class DoctorCancelForm(ErrorSummaryMixin, forms.Form):
    reason = TextField(
        label="Reason for cancelling",
        multiline=True,
        max_length=REASON_MAX_LENGTH,
        help_text=f"The patient is emailed this reason. At most {REASON_MAX_LENGTH} characters.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Give the patient a reason for cancelling.",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
