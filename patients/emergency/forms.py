"""What a doctor types to break the glass: the patient's exact name, date
of birth and a third identifier, and why; and what an admin records when
reviewing a grant."""

from __future__ import annotations

from django import forms

from medisecure.forms import DateOfBirthField, DescribedFieldsMixin, PersonNameField, TextField
from patients.emergency.domain import REVIEW_OUTCOMES


class EmergencyAccessForm(DescribedFieldsMixin, forms.Form):
    given_name = PersonNameField(label="Patient's first name")
    family_name = PersonNameField(label="Patient's last name")
    date_of_birth = DateOfBirthField(label="Patient's date of birth")
    identifier = forms.CharField(
        label="Last 4 digits of the patient's phone number, or their postcode",
        max_length=12,
        help_text="As the patient gave them to the clinic: it tells apart patients with the same name and date of birth.",
    )
    reason = TextField(
        label="Why do you need emergency access?",
        multiline=True,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required. The clinic's administrators and the patient are told at once, and every emergency access is reviewed.",
    )

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        if not any(character.isalnum() for character in identifier):
            raise forms.ValidationError("Enter the last 4 digits of their phone number, or their postcode.")
        return identifier


class GrantReviewForm(DescribedFieldsMixin, forms.Form):
    """An admin's review of one grant, named by its patient, time and doctor."""

    patient_id = forms.CharField(widget=forms.HiddenInput, max_length=128)
    granted_at = forms.CharField(widget=forms.HiddenInput, max_length=40)
    provider_id = forms.CharField(widget=forms.HiddenInput, max_length=128)
    outcome = forms.ChoiceField(label="Outcome", choices=REVIEW_OUTCOMES, widget=forms.RadioSelect)
    note = TextField(
        label="Note",
        multiline=True,
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
