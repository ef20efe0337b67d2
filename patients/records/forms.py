"""Every check on what a doctor types into a chart: finding patients, each
kind of entry, and amendments."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medisecure.forms import DescribedFieldsMixin, TextField
from patients.records.domain import (
    ALLERGY,
    DIAGNOSIS,
    DIAGNOSIS_STATUSES,
    ENTRY_FIELDS,
    HEIGHT_UNITS,
    IMMUNIZATION,
    MEDICATION,
    NOTE,
    RESULT,
    SEVERITIES,
    TEMPERATURE_UNITS,
    VITAL_MEASURES,
    VITALS,
    WEIGHT_UNITS,
    icd10_shape_ok,
    vital_problem,
)
from patients.records.results import (
    IMMUNIZATION_SITES,
    cvx_shape_ok,
    loinc_shape_ok,
    number_or_none,
    range_problems,
)

NOTE_SECTION_MAX = 5000
SHORT_TEXT_MAX = 200


def _text(
    label: str, *, required: bool = True, multiline: bool = False, max_length: int = SHORT_TEXT_MAX, **kwargs
):
    widget = forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput()
    return TextField(
        label=label, required=required, multiline=multiline, max_length=max_length, widget=widget, **kwargs
    )


CHART_EARLIEST_YEAR, CHART_LATEST_YEAR = 1900, 2199


class _DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter the date as year-month-day, e.g. 2026-03-01."})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        # A chart's dates fall in the years of living people's care.
        if value is not None and not CHART_EARLIEST_YEAR <= value.year <= CHART_LATEST_YEAR:
            raise ValidationError(
                _("Check the year: a chart's dates fall between %(earliest)s and %(latest)s.")
                % {"earliest": CHART_EARLIEST_YEAR, "latest": CHART_LATEST_YEAR},
                code="out_of_range",
            )

    def clean(self, value):
        value = super().clean(value)
        return value.isoformat() if value else ""


def _emergency_reason():
    """Writing under an emergency grant (which reads only) needs a second
    reason, given with each change; pages show the field only then."""
    return _text(
        "Why must you write to this chart under emergency access?",
        required=False,
        multiline=True,
        max_length=1000,
        help_text="Emergency access lets you read the chart. A change needs its own reason, kept with it and reviewed.",
    )


class EntryForm(DescribedFieldsMixin, forms.Form):
    kind = ""
    emergency_reason = _emergency_reason()

    def entry_values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in ENTRY_FIELDS[self.kind]}


class NoteForm(EntryForm):
    kind = NOTE
    subjective = _text(
        "Subjective",
        required=False,
        multiline=True,
        max_length=NOTE_SECTION_MAX,
        help_text="What the patient tells you.",
    )
    objective = _text(
        "Objective",
        required=False,
        multiline=True,
        max_length=NOTE_SECTION_MAX,
        help_text="What you observe and measure.",
    )
    assessment = _text("Assessment", required=False, multiline=True, max_length=NOTE_SECTION_MAX)
    plan = _text("Plan", required=False, multiline=True, max_length=NOTE_SECTION_MAX)
    follow_up = _text(
        "Follow-up",
        required=False,
        multiline=True,
        max_length=NOTE_SECTION_MAX,
        help_text="What the patient should do next and when to come back; it is on their visit summary.",
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ENTRY_FIELDS[NOTE]):
            raise ValidationError("Write at least one section of the note.", code="empty")
        return cleaned


class DiagnosisForm(EntryForm):
    kind = DIAGNOSIS
    code = forms.CharField(
        label="ICD-10 code",
        max_length=8,
        help_text="A letter, two characters, then an optional dot and up to four more, e.g. J20.9.",
    )
    description = _text("Description")
    status = forms.ChoiceField(label="Status", choices=DIAGNOSIS_STATUSES, initial="active")
    onset = _DateField(label="Onset", required=False)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not icd10_shape_ok(code):
            raise ValidationError("That is not an ICD-10 code. Codes look like J20.9 or E11.", code="icd10")
        return code


class MedicationForm(EntryForm):
    kind = MEDICATION
    name = _text("Medicine")
    dose = _text("Dose", help_text="For example 500 mg.", max_length=60)
    frequency = _text("How often", help_text="For example twice a day.", max_length=100)
    start = _DateField(label="Started")
    stop = _DateField(
        label="Stopped", required=False, help_text="Leave empty while the patient still takes it."
    )

    def clean(self):
        cleaned = super().clean()
        start, stop = cleaned.get("start"), cleaned.get("stop")
        if start and stop and stop < start:
            self.add_error("stop", "The stop date cannot be before the start date.")
        return cleaned


class AllergyForm(EntryForm):
    kind = ALLERGY
    substance = _text("Substance", help_text="What the patient reacts to, e.g. penicillin.")
    reaction = _text("Reaction", required=False, help_text="What happens, e.g. hives.")
    severity = forms.ChoiceField(label="Severity", choices=SEVERITIES)


class VitalsForm(EntryForm):
    kind = VITALS
    systolic = forms.CharField(label="Blood pressure, systolic (mmHg)", required=False, max_length=8)
    diastolic = forms.CharField(label="Blood pressure, diastolic (mmHg)", required=False, max_length=8)
    heart_rate = forms.CharField(label="Heart rate (beats per minute)", required=False, max_length=8)
    respiratory_rate = forms.CharField(
        label="Breathing rate (breaths per minute)", required=False, max_length=8
    )
    oxygen_saturation = forms.CharField(label="Oxygen saturation (%)", required=False, max_length=8)
    temperature = forms.CharField(label="Temperature", required=False, max_length=8)
    # Either unit is taken; the clinic's is offered first.
    temperature_unit = forms.ChoiceField(
        label="Temperature unit", choices=TEMPERATURE_UNITS, initial=lambda: settings.CLINIC_TEMPERATURE_UNIT
    )
    weight = forms.CharField(label="Weight", required=False, max_length=8)
    weight_unit = forms.ChoiceField(label="Weight unit", choices=WEIGHT_UNITS, initial="kg")
    height = forms.CharField(
        label="Height", required=False, max_length=8, help_text="With a weight, gives the body mass index."
    )
    height_unit = forms.ChoiceField(label="Height unit", choices=HEIGHT_UNITS, initial="cm", required=False)

    def clean(self):
        cleaned = super().clean()
        for name in VITAL_MEASURES:
            value = (cleaned.get(name) or "").strip()
            cleaned[name] = value
            if not value:
                continue
            problem = vital_problem(name, value, cleaned.get(f"{name}_unit", ""))
            if problem:
                self.add_error(name, problem)
        if not self.errors and not any(cleaned.get(name) for name in VITAL_MEASURES):
            raise ValidationError("Enter at least one measurement.", code="empty")
        systolic, diastolic = cleaned.get("systolic"), cleaned.get("diastolic")
        if bool(systolic) != bool(diastolic) and not self.errors:
            self.add_error(
                "diastolic" if systolic else "systolic", "Enter both blood pressure numbers, or neither."
            )
        return cleaned

    def entry_values(self) -> dict:
        values = super().entry_values()
        # A unit means nothing without its measurement.
        for name in ("temperature", "weight", "height"):
            if not values[name]:
                values[f"{name}_unit"] = ""
        return values


class _NotFutureDateField(_DateField):
    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned and cleaned > timezone.localdate().isoformat():
            raise ValidationError(_("This date is in the future."), code="future")
        return cleaned


def _number(label, *, required: bool = False, help_text: str = ""):
    return forms.CharField(label=label, required=required, max_length=16, help_text=help_text)


NO_REPORT = ""


class ResultForm(EntryForm):
    """A lab result. The flag is never asked for: the service computes it
    from the value and the range. The attached report, if any, is one of
    the patient's documents, offered by whoever makes the form
    (`documents`: (reference, file name) pairs)."""

    kind = RESULT
    test_name = _text(_("Test"), help_text=_("As the laboratory names it, e.g. Potassium."), max_length=120)
    loinc = forms.CharField(
        label=_("LOINC code"),
        max_length=10,
        help_text=_("Up to seven digits, a hyphen and a check digit, e.g. 2823-3."),
    )
    value = _number(_("Value"), required=True, help_text=_("A number, e.g. 4.2."))
    unit = _text(_("Unit"), max_length=30, help_text=_("e.g. mmol/L."))
    range_low = _number(_("Usual range from"))
    range_high = _number(_("Usual range to"))
    critical_low = _number(_("Critical below"), help_text=_("Optional: a value below this is critical."))
    critical_high = _number(_("Critical above"), help_text=_("Optional: a value above this is critical."))
    collected = _NotFutureDateField(label=_("Collected on"))
    report_reference = forms.ChoiceField(label=_("Attached report"), required=False, choices=())

    def __init__(self, *args, documents: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.documents = dict(documents)
        if "report_reference" in self.fields:  # an amendment keeps the report it has
            self.fields["report_reference"].choices = [(NO_REPORT, _("No report")), *documents]

    def clean_loinc(self):
        code = self.cleaned_data["loinc"].strip()
        if not loinc_shape_ok(code):
            raise ValidationError(
                _("That is not a LOINC code. Codes look like 2823-3: digits, a hyphen, one digit."),
                code="loinc",
            )
        return code

    def clean(self):
        cleaned = super().clean()
        numbers = {}
        for name in ("value", "range_low", "range_high", "critical_low", "critical_high"):
            text = (cleaned.get(name) or "").strip()
            cleaned[name] = text
            if not text:
                numbers[name] = None
                continue
            numbers[name] = number_or_none(text)
            if numbers[name] is None:
                self.add_error(name, _("Enter a number, e.g. 4.2."))
        if any(name in self.errors for name in ("range_low", "range_high", "critical_low", "critical_high")):
            return cleaned
        for name, problem in range_problems(
            low=numbers["range_low"],
            high=numbers["range_high"],
            critical_low=numbers["critical_low"],
            critical_high=numbers["critical_high"],
        ).items():
            self.add_error(name, problem)
        return cleaned

    def entry_values(self) -> dict:
        values = super().entry_values()
        if "report_reference" not in self.fields:
            del values["report_reference"], values["report_name"]
            return values
        reference = values["report_reference"]
        values["report_name"] = self.documents.get(reference, "") if reference else ""
        return values


class ImmunizationForm(EntryForm):
    kind = IMMUNIZATION
    vaccine = _text(_("Vaccine"), help_text=_("e.g. Influenza, seasonal."), max_length=120)
    cvx = forms.CharField(
        label=_("CVX code"),
        max_length=3,
        help_text=_("The CDC's vaccine code: one to three digits, e.g. 141."),
    )
    given = _NotFutureDateField(label=_("Given on"))
    lot = _text(_("Lot number"), required=False, max_length=40)
    site = forms.ChoiceField(label=_("Site"), choices=IMMUNIZATION_SITES)

    def clean_cvx(self):
        code = self.cleaned_data["cvx"].strip()
        if not cvx_shape_ok(code):
            raise ValidationError(
                _("That is not a CVX code. Codes are one to three digits, e.g. 141."), code="cvx"
            )
        return code


ENTRY_FORMS = {
    form.kind: form
    for form in (
        NoteForm,
        DiagnosisForm,
        MedicationForm,
        AllergyForm,
        VitalsForm,
        ResultForm,
        ImmunizationForm,
    )
}
# The forms the chart's own page offers. A lab result is recorded on its
# own page (patients.results), which can offer the patient's documents.
CHART_FORMS = {kind: form for kind, form in ENTRY_FORMS.items() if kind != RESULT}


def _amendment_form_for(entry_form):
    """The entry's own form, plus why it is being amended and the version
    the doctor is amending."""

    class AmendmentForm(entry_form):
        reason = _text(
            "Why are you amending this entry?",
            multiline=True,
            max_length=1000,
            help_text="Kept with the entry's history, with your name and the time.",
        )
        version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        # Which form this is, so a POST is checked by the right rules before
        # the entry is read; the service checks it against the entry.
        entry_kind = forms.CharField(widget=forms.HiddenInput, initial=entry_form.kind)

    if entry_form is ResultForm:
        # The attached report stays as it is (services.chart_entry_amend keeps it).
        AmendmentForm.base_fields.pop("report_reference", None)
        AmendmentForm.declared_fields.pop("report_reference", None)

    AmendmentForm.__name__ = AmendmentForm.__qualname__ = (
        f"{entry_form.__name__[: -len('Form')]}AmendmentForm"
    )
    return AmendmentForm


# Made once, so each kind's amendment form is one class (the hostile-input
# registry checks every form class of the project is submitted).
AMENDMENT_FORMS = {kind: _amendment_form_for(form) for kind, form in ENTRY_FORMS.items()}


def amendment_form(kind: str):
    return AMENDMENT_FORMS[kind]


class AddendumForm(DescribedFieldsMixin, forms.Form):
    """A note under an entry, by any doctor who may open the chart."""

    text = _text(
        "Addendum",
        multiline=True,
        max_length=4000,
        help_text="Shown under the entry with your name and the time, and kept for good.",
    )
    emergency_reason = _emergency_reason()


class PatientSearchForm(DescribedFieldsMixin, forms.Form):
    q = TextField(
        label="Family name", required=False, max_length=60, help_text="Type the start of the family name."
    )
    page = forms.CharField(required=False, max_length=2048)
