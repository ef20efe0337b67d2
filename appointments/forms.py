"""What the rooms' forms share: the fields and limits a booking's input is
held to wherever it is entered."""

from __future__ import annotations

from django import forms

REASON_MAX_LENGTH = 500
ID_PATTERN = r"^[A-Za-z0-9-]{1,64}$"
APPOINTMENT_ID_PATTERN = r"^[0-9a-f]{32}$"


class ClockTimeField(forms.TimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))
        kwargs.setdefault("input_formats", ["%H:%M"])
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter a time as hours:minutes, e.g. 09:00 or 13:30."}
        )
        super().__init__(**kwargs)
