"""The admin's overbooking: who, with whom, when (clinic time) and why."""

from __future__ import annotations

from datetime import UTC

from django import forms

from appointments.clinic import clinic_zone
from appointments.domain import local_moment
from appointments.forms import APPOINTMENT_ID_PATTERN, REASON_MAX_LENGTH, ClockTimeField
from medisecure.forms import CalendarDayField, ErrorSummaryMixin, TextField


class OverbookForm(ErrorSummaryMixin, forms.Form):
    """An admin's overbooking: who, with whom, when (clinic time) and why."""

    doctor_email = forms.EmailField(
        label="Doctor's email",
        max_length=254,
        help_text="The email the doctor signs in with.",
        error_messages={
            "required": "Enter the doctor's email.",
            "invalid": "Enter an email address, e.g. name@example.com.",
        },
    )
    patient_email = forms.EmailField(
        label="Patient's email",
        max_length=254,
        help_text="Exactly as on the patient's record.",
        error_messages={
            "required": "Enter the patient's email.",
            "invalid": "Enter an email address, e.g. name@example.com.",
        },
    )
    day = CalendarDayField(label="Date", error_messages={"required": "Enter the date."})
    start = ClockTimeField(
        label="Time (clinic time)",
        error_messages={
            "required": "Enter the time the appointment starts.",
            "invalid": "Enter a time as hours:minutes, e.g. 09:00 or 13:30.",
        },
    )
    visit_reason = TextField(
        label="Reason for the visit",
        required=False,
        multiline=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Optional; the doctor sees it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."},
    )
    overbook_reason = TextField(
        label="Why this time is overbooked",
        multiline=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Kept with the appointment.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the doctor must see this patient at a time already taken.",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
    appointment_id = forms.RegexField(regex=APPOINTMENT_ID_PATTERN, widget=forms.HiddenInput)

    def clean_doctor_email(self):
        return self.cleaned_data["doctor_email"].strip().lower()

    def clean_patient_email(self):
        return self.cleaned_data["patient_email"].strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start"):
            moment = local_moment(data["day"], data["start"], clinic_zone())
            if moment is None:
                self.add_error("start", "The clocks skip that time on that date. Choose another time.")
            else:
                data["starts_at"] = moment.astimezone(UTC)
        return data
