"""A patient's input for booking and changing an appointment: which doctor
and time, why, and which page of their list."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appointments.booking.domain import CANCELLED_LIST, PAST, UPCOMING
from appointments.domain import (
    IN_PAST,
    NOT_OFFERED,
    NOT_ON_GRID,
    OUTSIDE_AVAILABILITY,
    TOO_FAR_AHEAD,
    TOO_SHORT,
    WRONG_PLACE,
    slot_start_from_text,
)
from appointments.forms import APPOINTMENT_ID_PATTERN, ID_PATTERN, REASON_MAX_LENGTH
from clinicians.domain import SPECIALTIES
from medisecure.forms import ErrorSummaryMixin, TextField


def slot_problem_message(problem: str) -> str:
    return {
        IN_PAST: _("That time has already passed. Choose a later one."),
        TOO_FAR_AHEAD: _("Appointments can be booked up to %(weeks)s weeks ahead. Choose an earlier time.")
        % {"weeks": settings.BOOKING_HORIZON_WEEKS},
        NOT_ON_GRID: _("Appointments with this doctor start at set times. Choose one of the times offered."),
        OUTSIDE_AVAILABILITY: _(
            "The doctor is not seeing patients at that time. Choose one of the times offered."
        ),
        TOO_SHORT: _("That time is too short for the kind of visit chosen. Choose one of the times offered."),
        NOT_OFFERED: _("This doctor does not offer that kind of visit. Choose another kind of visit."),
        WRONG_PLACE: _("The doctor is at another location at that time. Choose one of the times offered."),
    }[problem]


class BookingChoiceForm(forms.Form):
    specialty = forms.ChoiceField(
        label=_("Specialty"),
        required=False,
        choices=(("", _("Choose a specialty")), *((s, s) for s in SPECIALTIES)),
    )
    doctor = forms.RegexField(regex=ID_PATTERN, required=False, widget=forms.HiddenInput)
    visit_type = forms.RegexField(regex=ID_PATTERN, required=False)
    location = forms.RegexField(regex=ID_PATTERN, required=False)
    week = forms.IntegerField(required=False, min_value=0, max_value=52, widget=forms.HiddenInput)
    page = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)


class SlotStartField(forms.CharField):
    """A slot's start as the booking page links it: UTC ISO 8601."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("error_messages", {"required": _("Choose a time.")})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:  # left out where it may be (the week's times, no pick yet)
            return None
        try:
            return slot_start_from_text(value)
        except ValueError as error:
            raise ValidationError(
                _("That is not a time we offer. Choose one of the times listed.")
            ) from error


class SlotPickForm(ErrorSummaryMixin, forms.Form):
    doctor = forms.RegexField(
        regex=ID_PATTERN, widget=forms.HiddenInput, error_messages={"required": _("Choose a doctor.")}
    )
    start = SlotStartField(label=_("Time"))
    visit_type = forms.RegexField(regex=ID_PATTERN, required=False, widget=forms.HiddenInput)
    location = forms.RegexField(regex=ID_PATTERN, required=False, widget=forms.HiddenInput)


class BookingForm(SlotPickForm):
    reason = TextField(
        label=_("Reason for the visit"),
        multiline=True,
        max_length=REASON_MAX_LENGTH,
        help_text=format_lazy(
            _("A few words for your doctor, at most {count} characters."), count=REASON_MAX_LENGTH
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Tell the doctor briefly why you want to be seen."),
            "max_length": format_lazy(
                _("Keep the reason to {count} characters or fewer."), count=REASON_MAX_LENGTH
            ),
        },
    )
    booking_id = forms.RegexField(regex=APPOINTMENT_ID_PATTERN, widget=forms.HiddenInput)


class RescheduleForm(ErrorSummaryMixin, forms.Form):
    start = SlotStartField(label=_("New time"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RescheduleChoiceForm(forms.Form):
    """Which week of the doctor's free times, and the time picked from it to confirm."""

    week = forms.IntegerField(required=False, min_value=0, max_value=52)
    start = SlotStartField(required=False)


CANCEL_REASON_MAX_LENGTH = 200


class CancelForm(ErrorSummaryMixin, forms.Form):
    reason = TextField(
        label=_("Why are you cancelling?"),
        required=False,
        multiline=True,
        max_length=CANCEL_REASON_MAX_LENGTH,
        help_text=format_lazy(
            _("Your doctor sees this. At most {count} characters."), count=CANCEL_REASON_MAX_LENGTH
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": format_lazy(
                _("Keep the reason to {count} characters or fewer."), count=CANCEL_REASON_MAX_LENGTH
            )
        },
    )


class AppointmentListForm(forms.Form):
    when = forms.ChoiceField(
        required=False,
        choices=(
            (UPCOMING, pgettext_lazy("appointment list", "Upcoming")),
            (CANCELLED_LIST, pgettext_lazy("appointment list", "Cancelled")),
            (PAST, pgettext_lazy("appointment list", "Past")),
        ),
    )
    page = forms.CharField(required=False, max_length=2048)
