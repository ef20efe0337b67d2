"""The admin's input for a visit type or a location."""

from __future__ import annotations

from django import forms

from appointments.choices.domain import Location, VisitType
from appointments.forms import ID_PATTERN
from clinicians.domain import SPECIALTIES
from medisecure.forms import TextField


class VisitTypeForm(forms.Form):
    choice_id = forms.RegexField(regex=ID_PATTERN, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name = TextField(label="Name", max_length=80, help_text="As patients see it, e.g. New patient visit.")
    minutes = forms.IntegerField(
        label="Length (minutes)",
        min_value=10,
        max_value=240,
        help_text="Patients are offered only the doctor's slots at least this long.",
    )
    telehealth = forms.BooleanField(label="By video (telehealth)", required=False)
    specialties = forms.MultipleChoiceField(
        label="Offered in",
        choices=[(name, name) for name in SPECIALTIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one specialty that offers it."},
    )

    def visit_type(self) -> VisitType:
        data = self.cleaned_data
        return VisitType(
            visit_type_id=data["choice_id"],
            name=data["name"],
            minutes=data["minutes"],
            telehealth=data["telehealth"],
            specialties=tuple(data["specialties"]),
            version=data["version"],
        )

    @classmethod
    def of(cls, visit_type: VisitType) -> VisitTypeForm:
        return cls(
            initial={
                "choice_id": visit_type.visit_type_id,
                "version": visit_type.version,
                "name": visit_type.name,
                "minutes": visit_type.minutes,
                "telehealth": visit_type.telehealth,
                "specialties": list(visit_type.specialties),
            }
        )


class LocationForm(forms.Form):
    choice_id = forms.RegexField(regex=ID_PATTERN, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name = TextField(label="Name", max_length=80)
    address = TextField(label="Address", max_length=200)
    phone = TextField(label="Phone", max_length=40, help_text="Given wherever a patient is asked to call.")
    opening_hours = TextField(
        label="Opening hours", max_length=200, required=False, help_text="e.g. Mon–Fri 8:00–18:00"
    )

    def location(self) -> Location:
        data = self.cleaned_data
        return Location(
            location_id=data["choice_id"],
            name=data["name"],
            address=data["address"],
            phone=data["phone"],
            opening_hours=data["opening_hours"],
            version=data["version"],
        )

    @classmethod
    def of(cls, location: Location) -> LocationForm:
        return cls(
            initial={
                "choice_id": location.location_id,
                "version": location.version,
                "name": location.name,
                "address": location.address,
                "phone": location.phone,
                "opening_hours": location.opening_hours,
            }
        )
