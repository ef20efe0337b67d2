"""Every check on what a doctor types into a chart: finding patients, each
kind of entry, amendments and emergency access."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from medisecure.forms import DateOfBirthField, ErrorSummaryMixin, PersonNameField, TextField
from patients.records_domain import (
    ALLERGY,
    DIAGNOSIS,
    DIAGNOSIS_STATUSES,
    ENTRY_FIELDS,
    MEDICATION,
    NOTE,
    SEVERITIES,
    TEMPERATURE_UNITS,
    VITAL_MEASURES,
    VITALS,
    WEIGHT_UNITS,
    icd10_shape_ok,
    vital_problem,
)

NOTE_SECTION_MAX = 5000
SHORT_TEXT_MAX = 200


class DescribedFieldsMixin(ErrorSummaryMixin):
    """Ties each input to its hint and its error message (aria-describedby),
    matching the ids templates/includes/field.html gives them."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = [f"{bound.id_for_label}-hint"] if field.help_text else []
            if name in self.errors:
                described.append(f"{bound.id_for_label}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


def _text(label: str, *, required: bool = True, multiline: bool = False, max_length: int = SHORT_TEXT_MAX, **kwargs):
    widget = forms.Textarea(attrs={"rows": 4}) if multiline else forms.TextInput()
    return TextField(label=label, required=required, multiline=multiline, max_length=max_length, widget=widget, **kwargs)


class _DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter the date as year-month-day, e.g. 2026-03-01."})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return value.isoformat() if value else ""


class EntryForm(DescribedFieldsMixin, forms.Form):
    kind = ""

    def entry_values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in ENTRY_FIELDS[self.kind]}

    @classmethod
    def for_entry(cls, values: dict, **kwargs):
        return cls(initial=values, **kwargs)


class NoteForm(EntryForm):
    kind = NOTE
    subjective = _text("Subjective", required=False, multiline=True, max_length=NOTE_SECTION_MAX,
                       help_text="What the patient tells you.")
    objective = _text("Objective", required=False, multiline=True, max_length=NOTE_SECTION_MAX,
                      help_text="What you observe and measure.")
    assessment = _text("Assessment", required=False, multiline=True, max_length=NOTE_SECTION_MAX)
    plan = _text("Plan", required=False, multiline=True, max_length=NOTE_SECTION_MAX)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ENTRY_FIELDS[NOTE]):
            raise ValidationError("Write at least one section of the note.", code="empty")
        return cleaned


class DiagnosisForm(EntryForm):
    kind = DIAGNOSIS
    code = forms.CharField(
        label="ICD-10 code", max_length=8, help_text="A letter, two characters, then an optional dot and up to four more, e.g. J20.9.",
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
    stop = _DateField(label="Stopped", required=False, help_text="Leave empty while the patient still takes it.")

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
    respiratory_rate = forms.CharField(label="Breathing rate (breaths per minute)", required=False, max_length=8)
    oxygen_saturation = forms.CharField(label="Oxygen saturation (%)", required=False, max_length=8)
    temperature = forms.CharField(label="Temperature", required=False, max_length=8)
    temperature_unit = forms.ChoiceField(label="Temperature unit", choices=TEMPERATURE_UNITS, initial="C")
    weight = forms.CharField(label="Weight", required=False, max_length=8)
    weight_unit = forms.ChoiceField(label="Weight unit", choices=WEIGHT_UNITS, initial="kg")

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
            self.add_error("diastolic" if systolic else "systolic", "Enter both blood pressure numbers, or neither.")
        return cleaned

    def entry_values(self) -> dict:
        values = super().entry_values()
        # A unit means nothing without its measurement.
        for name in ("temperature", "weight"):
            if not values[name]:
                values[f"{name}_unit"] = ""
        return values


ENTRY_FORMS = {form.kind: form for form in (NoteForm, DiagnosisForm, MedicationForm, AllergyForm, VitalsForm)}


def _amendment_form_for(entry_form):
    """The entry's own form, plus why it is being amended and the version
    the doctor is amending."""

    class AmendmentForm(entry_form):
        reason = _text("Why are you amending this entry?", multiline=True, max_length=1000,
                       help_text="Kept with the entry's history, with your name and the time.")
        version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        # Which form this is, so a POST is checked by the right rules before
        # the entry is read; the service checks it against the entry.
        entry_kind = forms.CharField(widget=forms.HiddenInput, initial=entry_form.kind)

    AmendmentForm.__name__ = AmendmentForm.__qualname__ = f"{entry_form.__name__[:-len('Form')]}AmendmentForm"
    return AmendmentForm


# Made once, so each kind's amendment form is one class (the hostile-input
# registry checks every form class of the project is submitted).
AMENDMENT_FORMS = {kind: _amendment_form_for(form) for kind, form in ENTRY_FORMS.items()}


def amendment_form(kind: str):
    return AMENDMENT_FORMS[kind]


class PatientSearchForm(DescribedFieldsMixin, forms.Form):
    q = TextField(label="Family name", required=False, max_length=60, help_text="Type the start of the family name.")
    page = forms.CharField(required=False, max_length=2048)


class EmergencyAccessForm(DescribedFieldsMixin, forms.Form):
    given_name = PersonNameField(label="Patient's first name")
    family_name = PersonNameField(label="Patient's last name")
    date_of_birth = DateOfBirthField(label="Patient's date of birth")
    reason = _text(
        "Why do you need emergency access?", multiline=True, max_length=1000,
        help_text="Required. The clinic's administrators are told at once and review every emergency access.",
    )
