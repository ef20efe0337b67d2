"""The admin's care-team forms: find a patient, add a doctor."""

from __future__ import annotations

from django import forms


class PatientLookupForm(forms.Form):
    patient = forms.EmailField(label="Patient's email", max_length=128)


class DoctorForm(forms.Form):
    doctor = forms.EmailField(label="Doctor's email", max_length=128)
