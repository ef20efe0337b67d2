"""The period of the patient's statement of who has looked at their record."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from medisecure import clinic_time, clock
from medisecure.forms import CalendarDayField, DescribedFieldsMixin
from patients.access_log.domain import AccessPeriod

ACCESS_PERIODS = (
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("all", _("All time")),
)


class AccessPeriodForm(DescribedFieldsMixin, forms.Form):
    """The period of the statement: one of the usual ones, or days of the
    patient's own (either end alone is open on the other side), which win."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=ACCESS_PERIODS,
        widget=forms.RadioSelect,
        initial="all",
        error_messages={"invalid_choice": _("Choose one of the periods listed.")},
    )
    since = CalendarDayField(label=_("From"), required=False)
    until = CalendarDayField(label=_("Until"), required=False)
    page = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)

    def __init__(self, data=None, *, today: date | None = None, **kwargs):
        if data is not None and not any(data.get(name) for name in ("period", "since", "until")):
            # The page as first opened: all time, and its choice shown as made.
            data = data.copy()
            data["period"] = "all"
        super().__init__(data, **kwargs)
        self.today = today or clinic_time.in_clinic(clock.now()).date()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and since > self.today:
            self.add_error("since", _("Choose a day up to today: nothing has happened after it yet."))
        elif since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        if since or until:
            cleaned["access_period"] = AccessPeriod(since=since, until=until)
        elif (cleaned.get("period") or "all") == "all":
            cleaned["access_period"] = AccessPeriod()
        else:
            # "Last 30 days" counts today as the thirtieth.
            days = int(cleaned["period"])
            cleaned["access_period"] = AccessPeriod(since=self.today - timedelta(days=days - 1))
        return cleaned
