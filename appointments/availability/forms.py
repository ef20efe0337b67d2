"""A doctor's hours as they enter them. Each rule the hours break is tied to
the field that breaks it; the domain's checks (appointments.domain) are the
same ones the service applies."""

from __future__ import annotations

from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from appointments.domain import (
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    Availability,
    Break,
    ExtraHours,
    Problem,
    WeeklyRule,
    availability_problems,
)
from appointments.forms import ClockTimeField
from medisecure.forms import CalendarDayField

WEEKDAYS = (
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
)


class SlotMinutesField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Slot length (minutes)",
            error_messages={
                "min_value": f"Slots must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES} minutes long.",
                "max_value": f"Slots must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES} minutes long.",
                "invalid": "Enter the slot length in whole minutes, e.g. 15.",
            },
            min_value=MIN_SLOT_MINUTES,
            max_value=MAX_SLOT_MINUTES,
            **kwargs,
        )


def parse_breaks(value: str) -> tuple[Break, ...]:
    """ "12:00-13:00, 15:00-15:15" as breaks; ValidationError if unreadable."""
    breaks = []
    for part in filter(None, (piece.strip() for piece in value.split(","))):
        try:
            start, end = (time.fromisoformat(side.strip()) for side in part.replace("–", "-").split("-"))
        except ValueError as error:
            raise ValidationError(
                "Write breaks as start-end times separated by commas, e.g. 12:00-13:00, 15:00-15:15."
            ) from error
        breaks.append(Break(start, end))
    return tuple(breaks)


def breaks_text(breaks: tuple[Break, ...]) -> str:
    return ", ".join(f"{pause.start:%H:%M}-{pause.end:%H:%M}" for pause in breaks)


# What a day that is off shows, so turning it on is one tick.
DEFAULT_DAY = {"start": time(9), "end": time(17), "slot_minutes": 30, "breaks": ""}


class WeekdayHoursForm(forms.Form):
    """One weekday's row: whether the doctor works that day, from when until
    when, in slots of what length, with which breaks. A day that is off
    keeps what is typed in it but saves nothing."""

    works = forms.BooleanField(label="Working", required=False)
    start = ClockTimeField(label="From", required=False)
    end = ClockTimeField(label="Until", required=False)
    slot_minutes = SlotMinutesField(required=False)
    breaks = forms.CharField(
        label="Breaks",
        required=False,
        max_length=200,
        help_text="e.g. 12:00-13:00, 15:00-15:15",
    )
    location = forms.ChoiceField(label="Where", required=False, choices=(("", "The clinic"),))

    def __init__(self, *args, weekday: int, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday = weekday
        self.day_name = dict(WEEKDAYS)[weekday]
        _offer_locations(self, locations)

    def clean_breaks(self):
        return parse_breaks(self.cleaned_data["breaks"])

    def clean(self):
        data = super().clean()
        if data.get("works"):
            for name, message in (
                ("start", "Enter the time you start."),
                ("end", "Enter the time you finish."),
                ("slot_minutes", "Enter the slot length in minutes."),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        return data

    def rule(self) -> WeeklyRule | None:
        data = self.cleaned_data
        if not data.get("works"):
            return None
        return WeeklyRule(
            self.weekday,
            data["start"],
            data["end"],
            data["slot_minutes"],
            data["breaks"],
            data.get("location") or "",
        )


def _offer_locations(form: forms.Form, locations, *, blank: bool = False) -> None:
    """The clinic's locations as the row's choices (no locations: nothing to
    choose). `blank` first for a row that may be added and left empty."""
    if locations:
        choices = [(loc.location_id, loc.name) for loc in locations]
        form.fields["location"].choices = [("", "Choose where"), *choices] if blank else choices
        form.fields["location"].required = True
        form.fields["location"].error_messages["required"] = "Choose where."
    form.has_locations = bool(locations)


def day_row(rules: list[WeeklyRule]) -> dict:
    """A weekday's rules as its one row: from the first start to the last end,
    the gaps between them as breaks (hours saved before the one-row editor
    may have had several stretches a day)."""
    if not rules:
        return {"works": False, **DEFAULT_DAY}
    rules = sorted(rules, key=lambda rule: rule.start)
    breaks = [pause for rule in rules for pause in rule.breaks]
    breaks += [
        Break(first.end, second.start) for first, second in zip(rules, rules[1:]) if first.end < second.start
    ]
    return {
        "works": True,
        "start": rules[0].start,
        "end": max(rule.end for rule in rules),
        "slot_minutes": rules[0].slot_minutes,
        "breaks": breaks_text(tuple(sorted(breaks, key=lambda pause: pause.start))),
        "location": rules[0].location_id,
    }


def _date_field() -> forms.DateField:
    return CalendarDayField(label="Date")


class DayOffForm(forms.Form):
    day = _date_field()


class ExtraHoursForm(forms.Form):
    day = _date_field()
    start = ClockTimeField(label="From")
    end = ClockTimeField(label="Until")
    slot_minutes = SlotMinutesField()
    location = forms.ChoiceField(label="Where", required=False, choices=(("", "The clinic"),))

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _offer_locations(self, locations, blank=True)

    def extra(self) -> ExtraHours:
        data = self.cleaned_data
        return ExtraHours(
            data["day"], data["start"], data["end"], data["slot_minutes"], data.get("location") or ""
        )


# Days off and extra hours are lists a row is added to with a button (no
# blank rows waiting); the caps are far beyond any doctor's year.
MAX_DAYS_OFF = 100
MAX_EXTRA_HOURS = 50

# What the form's buttons ask for (the submit button's name is "action").
SAVE = "save"
PREVIEW = "preview"
COPY_MONDAY = "copy_monday"
ADD_DAY_OFF = "add_day_off"
ADD_EXTRA_HOURS = "add_extra_hours"
ACTIONS = (SAVE, PREVIEW, COPY_MONDAY, ADD_DAY_OFF, ADD_EXTRA_HOURS)
COPIED_FIELDS = ("works", "start", "end", "slot_minutes", "breaks", "location")


class _AddedRowsFormSet(forms.BaseFormSet):
    """Posted, every row is one the doctor may have left empty (it is then
    skipped), whether it was shown filled in or added blank."""

    def initial_form_count(self):
        return 0 if self.is_bound else super().initial_form_count()


def _formset(form, *, extra: int, cap: int):
    return forms.formset_factory(
        form, formset=_AddedRowsFormSet, extra=extra, can_delete=True, max_num=cap, absolute_max=cap
    )


def _kept(formset) -> list[forms.Form]:
    """The rows that count (once the formset is valid): filled in and not
    marked for removal."""
    return [form for form in formset.forms if form.has_changed() and not form.cleaned_data.get("DELETE")]


def _posted_rows(data, prefix: str, names: tuple[str, ...]) -> list[dict]:
    """The rows of a posted list as typed (unchecked), without those ticked
    for removal and those left empty."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_DAYS_OFF)
    except ValueError:
        total = 0
    rows = []
    for position in range(total):
        row = {name: data.get(f"{prefix}-{position}-{name}", "") for name in names}
        if data.get(f"{prefix}-{position}-DELETE") or not any(row.values()):
            continue
        rows.append(row)
    return rows


class AvailabilityForm(forms.Form):
    """A doctor's week in one screen: a row per weekday, the days off and the
    extra hours (each a list rows are added to), whether they are emailed of
    changes, and the version of the availability they were editing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notify_by_email = forms.BooleanField(
        label="Email me when a patient books, moves or cancels an appointment with me",
        required=False,
        help_text="The email gives the times only, never the patient's name or reason.",
    )

    def __init__(
        self,
        data=None,
        files=None,
        *,
        availability: Availability | None = None,
        retyped=None,
        add_day_off: bool = False,
        add_extra_hours: bool = False,
        locations=(),
    ):
        """Bound to `data` (a save or a preview), or unbound showing
        `availability`, or unbound showing `retyped` (a posted form shown
        again as typed, with Monday copied or a row added, unchecked)."""
        availability = availability or Availability(provider_id="")
        if retyped is not None:
            initial = {
                "version": retyped.get("version", "0"),
                "notify_by_email": bool(retyped.get("notify_by_email")),
            }
            days = {
                weekday: {
                    "works": bool(retyped.get(f"day{weekday}-works")),
                    **{name: retyped.get(f"day{weekday}-{name}", "") for name in COPIED_FIELDS[1:]},
                }
                for weekday, _ in WEEKDAYS
            }
            days_off = _posted_rows(retyped, "days_off", ("day",))
            extra_hours = _posted_rows(
                retyped, "extra_hours", ("day", "start", "end", "slot_minutes", "location")
            )
        else:
            initial = {"version": availability.version, "notify_by_email": availability.notify_by_email}
            days = {
                weekday: day_row([rule for rule in availability.rules if rule.weekday == weekday])
                for weekday, _ in WEEKDAYS
            }
            days_off = [{"day": day} for day in availability.days_off]
            extra_hours = [
                {
                    "day": extra.day,
                    "start": extra.start,
                    "end": extra.end,
                    "slot_minutes": extra.slot_minutes,
                    "location": extra.location_id,
                }
                for extra in availability.extra_hours
            ]
        super().__init__(data, files, initial=initial)
        self.days = [
            WeekdayHoursForm(
                data, prefix=f"day{weekday}", weekday=weekday, initial=days[weekday], locations=locations
            )
            for weekday, _ in WEEKDAYS
        ]
        self.days_off = _formset(DayOffForm, extra=int(add_day_off), cap=MAX_DAYS_OFF)(
            data, prefix="days_off", initial=days_off
        )
        self.extra_hours = _formset(ExtraHoursForm, extra=int(add_extra_hours), cap=MAX_EXTRA_HOURS)(
            data, prefix="extra_hours", initial=extra_hours, form_kwargs={"locations": locations}
        )
        self.has_locations = bool(locations)

    def _formsets(self):
        return (self.days_off, self.extra_hours)

    def is_valid(self) -> bool:
        valid = (
            super().is_valid()
            and all([day.is_valid() for day in self.days])
            and all([formset.is_valid() for formset in self._formsets()])
        )
        if valid:
            self.add_problems(availability_problems(self.proposed()))
        return valid and not self.has_errors

    @property
    def has_errors(self) -> bool:
        if not self.is_bound:
            return False
        return (
            bool(self.errors)
            or any(day.errors for day in self.days)
            or any(
                formset.non_form_errors() or any(form.errors for form in formset.forms)
                for formset in self._formsets()
            )
        )

    def _rule_rows(self) -> list[WeekdayHoursForm]:
        return [day for day in self.days if day.cleaned_data.get("works")]

    def proposed(self) -> Availability:
        """What the doctor entered, at the version they were editing."""
        rules = tuple(rule for rule in (day.rule() for day in self._rule_rows()) if rule is not None)
        return Availability(
            provider_id="",
            rules=rules,
            days_off=tuple(sorted({form.cleaned_data["day"] for form in _kept(self.days_off)})),
            extra_hours=tuple(form.extra() for form in _kept(self.extra_hours)),
            version=self.cleaned_data["version"],
            notify_by_email=self.cleaned_data["notify_by_email"],
        )

    def add_problems(self, problems: list[Problem]) -> None:
        """Tie each problem the domain found to the row and field it is about."""
        rows: dict[str, list[forms.Form]] = {
            "rules": list(self._rule_rows()),
            "extra_hours": _kept(self.extra_hours),
        }
        for problem in problems:
            form = rows[problem.kind][problem.position]
            if problem.message not in form.errors.get(problem.field, []):
                form.add_error(problem.field, problem.message)


def with_monday_copied(data) -> dict:
    """The posted form with Monday's row copied to Tuesday to Friday (as
    typed: nothing is checked until it is saved or previewed)."""
    copied = {key: data.get(key) for key in data}
    for weekday in range(1, 5):
        for name in COPIED_FIELDS:
            value = data.get(f"day0-{name}")
            if value:
                copied[f"day{weekday}-{name}"] = value
            else:
                copied.pop(f"day{weekday}-{name}", None)
    return copied
