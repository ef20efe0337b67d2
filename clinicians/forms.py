"""The clinic directory's filter."""

from django import forms

from clinicians.domain import SPECIALTIES


class DirectoryFilterForm(forms.Form):
    specialty = forms.ChoiceField(
        label="Specialty",
        choices=[("", "Choose a specialty")] + [(name, name) for name in SPECIALTIES],
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2048)
