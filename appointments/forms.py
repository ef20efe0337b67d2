"""Input for availability, booking and changing appointments. Each rule a
doctor's hours break is tied to the field that breaks it; the domain's
checks (appointments.domain) are the same ones the service applies."""

from __future__ import annotations

from datetime import time, timezone
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from appointments.domain import (
    IN_PAST,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    NOT_ON_GRID,
    OUTSIDE_AVAILABILITY,
    TOO_FAR_AHEAD,
    Availability,
    Break,
    ExtraHours,
    Problem,
    WeeklyRule,
    availability_problems,
    from_iso,
    local_moment,
)
from clinicians.domain import SPECIALTIES
from medisecure.forms import ErrorSummaryMixin, TextField

REASON_MAX_LENGTH = 500
WEEKDAYS = ((0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"), (6, "Sunday"))
ID_PATTERN = r"^[A-Za-z0-9-]{1,64}$"
APPOINTMENT_ID_PATTERN = r"^[0-9a-f]{32}$"


def slot_problem_message(problem: str) -> str:
    return {
        IN_PAST: "That time has already passed. Choose a later one.",
        TOO_FAR_AHEAD: f"Appointments can be booked up to {settings.BOOKING_HORIZON_WEEKS} weeks ahead. Choose an earlier time.",
        NOT_ON_GRID: "Appointments with this doctor start at set times. Choose one of the times offered.",
        OUTSIDE_AVAILABILITY: "The doctor is not seeing patients at that time. Choose one of the times offered.",
    }[problem]


class ClockTimeField(forms.TimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))
        kwargs.setdefault("input_formats", ["%H:%M"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a time as hours:minutes, e.g. 09:00 or 13:30."})
        super().__init__(**kwargs)


class SlotMinutesField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Slot length (minutes)",
            error_messages={
                "min_value": f"Slots must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES} minutes long.",
                "max_value": f"Slots must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES} minutes long.",
                "invalid": "Enter the slot length in whole minutes, e.g. 15.",
            },
            min_value=MIN_SLOT_MINUTES, max_value=MAX_SLOT_MINUTES, **kwargs,
        )


def parse_breaks(value: str) -> tuple[Break, ...]:
    """"12:00-13:00, 15:00-15:15" as breaks; ValidationError if unreadable."""
    breaks = []
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        try:
            start, end = (time.fromisoformat(side.strip()) for side in part.replace("–", "-").split("-"))
        except ValueError as error:
            raise ValidationError("Write breaks as start-end times separated by commas, e.g. 12:00-13:00, 15:00-15:15.") from error
        breaks.append(Break(start, end))
    return tuple(breaks)


class WeeklyRuleForm(forms.Form):
    # A blank first choice, so an untouched row posts as unchanged and is skipped.
    weekday = forms.TypedChoiceField(label="Day", choices=(("", "Choose a day"), *WEEKDAYS), coerce=int, empty_value=None)
    start = ClockTimeField(label="From")
    end = ClockTimeField(label="Until")
    slot_minutes = SlotMinutesField()
    breaks = forms.CharField(
        label="Breaks", required=False, max_length=200,
        help_text="Optional, e.g. 12:00-13:00, 15:00-15:15",
    )

    def clean_breaks(self):
        return parse_breaks(self.cleaned_data["breaks"])

    def rule(self) -> WeeklyRule:
        data = self.cleaned_data
        return WeeklyRule(data["weekday"], data["start"], data["end"], data["slot_minutes"], data["breaks"])


def _date_field() -> forms.DateField:
    return forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the date as year-month-day, e.g. 2026-12-24."},
    )


class DayOffForm(forms.Form):
    day = _date_field()


class ExtraHoursForm(forms.Form):
    day = _date_field()
    start = ClockTimeField(label="From")
    end = ClockTimeField(label="Until")
    slot_minutes = SlotMinutesField()

    def extra(self) -> ExtraHours:
        data = self.cleaned_data
        return ExtraHours(data["day"], data["start"], data["end"], data["slot_minutes"])


WeeklyRuleFormSet = forms.formset_factory(WeeklyRuleForm, extra=2, can_delete=True, max_num=50, absolute_max=50)
DayOffFormSet = forms.formset_factory(DayOffForm, extra=2, can_delete=True, max_num=100, absolute_max=100)
ExtraHoursFormSet = forms.formset_factory(ExtraHoursForm, extra=2, can_delete=True, max_num=50, absolute_max=50)


def _kept(formset) -> list[forms.Form]:
    """The rows that count (once the formset is valid): filled in and not
    marked for removal."""
    return [form for form in formset.forms if form.has_changed() and not form.cleaned_data.get("DELETE")]


class AvailabilityForm(forms.Form):
    """A doctor's weekly hours, days off and extra hours (three formsets),
    and the version of the availability they were editing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notify_by_email = forms.BooleanField(
        label="Email me when a patient books or cancels an appointment with me", required=False,
        help_text="The email gives the time only, never the patient's name or reason.",
    )

    def __init__(self, data=None, files=None, *, availability: Availability | None = None):
        availability = availability or Availability(provider_id="")
        super().__init__(
            data, files, initial={"version": availability.version, "notify_by_email": availability.notify_by_email}
        )
        self.rules = WeeklyRuleFormSet(data, prefix="rules", initial=[
            {
                "weekday": rule.weekday, "start": rule.start, "end": rule.end, "slot_minutes": rule.slot_minutes,
                "breaks": ", ".join(f"{b.start:%H:%M}-{b.end:%H:%M}" for b in rule.breaks),
            }
            for rule in availability.rules
        ])
        self.days_off = DayOffFormSet(data, prefix="days_off", initial=[{"day": day} for day in availability.days_off])
        self.extra_hours = ExtraHoursFormSet(data, prefix="extra_hours", initial=[
            {"day": extra.day, "start": extra.start, "end": extra.end, "slot_minutes": extra.slot_minutes}
            for extra in availability.extra_hours
        ])

    def _formsets(self):
        return (self.rules, self.days_off, self.extra_hours)

    def is_valid(self) -> bool:
        valid = super().is_valid() and all([formset.is_valid() for formset in self._formsets()])
        if valid:
            self.add_problems(availability_problems(self.proposed()))
        return valid and not self.has_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(
            formset.non_form_errors() or any(form.errors for form in formset.forms) for formset in self._formsets()
        )

    def proposed(self) -> Availability:
        """What the doctor entered, at the version they were editing."""
        return Availability(
            provider_id="",
            rules=tuple(form.rule() for form in _kept(self.rules)),
            days_off=tuple(sorted({form.cleaned_data["day"] for form in _kept(self.days_off)})),
            extra_hours=tuple(form.extra() for form in _kept(self.extra_hours)),
            version=self.cleaned_data["version"],
            notify_by_email=self.cleaned_data["notify_by_email"],
        )

    def add_problems(self, problems: list[Problem]) -> None:
        """Tie each problem the domain found to the row and field it is about."""
        rows = {"rules": _kept(self.rules), "extra_hours": _kept(self.extra_hours)}
        for problem in problems:
            form = rows[problem.kind][problem.position]
            if problem.message not in form.errors.get(problem.field, []):
                form.add_error(problem.field, problem.message)


# --- Booking ----------------------------------------------------------------------


class BookingChoiceForm(forms.Form):
    specialty = forms.ChoiceField(label="Specialty", required=False, choices=(("", "Choose a specialty"), *((s, s) for s in SPECIALTIES)))
    doctor = forms.RegexField(regex=ID_PATTERN, required=False, widget=forms.HiddenInput)
    week = forms.IntegerField(required=False, min_value=0, max_value=52, widget=forms.HiddenInput)
    page = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)


class SlotStartField(forms.CharField):
    """A slot's start as the booking page links it: UTC ISO 8601."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("error_messages", {"required": "Choose a time."})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return from_iso(value)
        except ValueError as error:
            raise ValidationError("That is not a time we offer. Choose one of the times listed.") from error


class SlotPickForm(ErrorSummaryMixin, forms.Form):
    doctor = forms.RegexField(regex=ID_PATTERN, widget=forms.HiddenInput, error_messages={"required": "Choose a doctor."})
    start = SlotStartField(label="Time")


class BookingForm(SlotPickForm):
    reason = TextField(
        label="Reason for the visit", multiline=True, max_length=REASON_MAX_LENGTH,
        help_text=f"A few words for your doctor, at most {REASON_MAX_LENGTH} characters.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Tell the doctor briefly why you want to be seen.",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
    booking_id = forms.RegexField(regex=APPOINTMENT_ID_PATTERN, widget=forms.HiddenInput)


class RescheduleForm(ErrorSummaryMixin, forms.Form):
    start = SlotStartField(label="New time")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WeekForm(forms.Form):
    week = forms.IntegerField(required=False, min_value=0, max_value=52)


class AppointmentListForm(forms.Form):
    when = forms.ChoiceField(required=False, choices=(("upcoming", "Upcoming"), ("past", "Past")))
    page = forms.CharField(required=False, max_length=2048)


# --- Overbooking (the admin) ----------------------------------------------------------


class OverbookForm(ErrorSummaryMixin, forms.Form):
    """An admin's overbooking: who, with whom, when (clinic time) and why."""

    doctor_email = forms.EmailField(
        label="Doctor's email", max_length=254, help_text="The email the doctor signs in with.",
        error_messages={"required": "Enter the doctor's email.", "invalid": "Enter an email address, e.g. name@example.com."},
    )
    patient_email = forms.EmailField(
        label="Patient's email", max_length=254, help_text="Exactly as on the patient's record.",
        error_messages={"required": "Enter the patient's email.", "invalid": "Enter an email address, e.g. name@example.com."},
    )
    day = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"],
        error_messages={"required": "Enter the date.", "invalid": "Enter the date as year-month-day, e.g. 2026-12-24."},
    )
    start = ClockTimeField(label="Time (clinic time)", error_messages={
        "required": "Enter the time the appointment starts.", "invalid": "Enter a time as hours:minutes, e.g. 09:00 or 13:30.",
    })
    visit_reason = TextField(
        label="Reason for the visit", required=False, multiline=True, max_length=REASON_MAX_LENGTH,
        help_text="Optional; the doctor sees it.", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."},
    )
    overbook_reason = TextField(
        label="Why this time is overbooked", multiline=True, max_length=REASON_MAX_LENGTH,
        help_text="Kept with the appointment.", widget=forms.Textarea(attrs={"rows": 3}),
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
            moment = local_moment(data["day"], data["start"], ZoneInfo(settings.CLINIC_TIME_ZONE))
            if moment is None:
                self.add_error("start", "The clocks skip that time on that date. Choose another time.")
            else:
                data["starts_at"] = moment.astimezone(timezone.utc)
        return data



# --- The doctor's schedule ------------------------------------------------------------

DAY = "day"
WEEK = "week"


class ScheduleForm(forms.Form):
    """Which stretch of the doctor's schedule to show: a day or a week from a
    local date (today when none is given), and the page within it."""

    view = forms.ChoiceField(required=False, choices=((DAY, "Day"), (WEEK, "Week")))
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    page = forms.CharField(required=False, max_length=2048)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start and not 2000 <= start.year < 2200:
            raise ValidationError("Choose a date between the years 2000 and 2199.")
        return start


class DoctorCancelForm(ErrorSummaryMixin, forms.Form):
    reason = TextField(
        label="Reason for cancelling", multiline=True, max_length=REASON_MAX_LENGTH,
        help_text=f"The patient is emailed this reason. At most {REASON_MAX_LENGTH} characters.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Give the patient a reason for cancelling.",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
