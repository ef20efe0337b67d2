"""Every check on what a patient types to edit their profile."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medisecure.forms import DateOfBirthField, ErrorSummaryMixin, PersonNameField, PhoneField, TextField
from patients.domain import LANGUAGES, PROFILE_FIELDS, Patient

# The names patients.domain.LANGUAGES gives, in the page's language.
LANGUAGE_LABELS = {
    "en": _("English"),
    "es": _("Spanish"),
    "zh": _("Chinese"),
    "ht": _("Haitian Creole"),
    "fr": _("French"),
    "ru": _("Russian"),
    "ar": _("Arabic"),
    "bn": _("Bengali"),
    "ko": _("Korean"),
    "vi": _("Vietnamese"),
    "tl": _("Tagalog"),
    "pl": _("Polish"),
    "pt": _("Portuguese"),
    "it": _("Italian"),
    "yi": _("Yiddish"),
    "hi": _("Hindi"),
    "ur": _("Urdu"),
    "ase": _("American Sign Language"),
}


class ProfileForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(
        label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = PersonNameField(
        label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = DateOfBirthField(label=_("Date of birth"))
    # Optional here: records made before sign-up asked for it may have none.
    phone = PhoneField(
        label=_("Mobile phone"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address_line1 = TextField(
        label=_("Street address"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = TextField(
        label=_("Apartment, suite or unit"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = TextField(
        label=_("City or town"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = TextField(
        label=_("State or region"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.RegexField(
        label=_("ZIP or postal code"),
        max_length=12,
        required=False,
        regex=r"^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$",
        error_messages={"invalid": _("Enter a ZIP or postal code, e.g. 10001 or SW1A 1AA.")},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    emergency_contact_name = PersonNameField(
        label=_("Their name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    emergency_contact_relationship = TextField(
        label=_("How they are related to you"),
        max_length=40,
        required=False,
        help_text=_("For example: partner, parent, friend."),
    )
    emergency_contact_phone = PhoneField(
        label=_("Their phone"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[("", _("Not stated"))]
        + [(code, LANGUAGE_LABELS.get(code, name)) for code, name in LANGUAGES],
        help_text=_("We arrange an interpreter for appointments when you need one."),
    )
    allergies_summary = TextField(
        label=_("Allergies"),
        multiline=True,
        max_length=1000,
        required=False,
        help_text=_(
            "What you are allergic to and what happens, e.g. “Penicillin: rash”. "
            "Write “None known” if you have none. Your doctor confirms this at your next visit."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            key: _("This form is out of date. Open your profile again and make your changes there.")
            for key in ("required", "invalid", "min_value")
        },
    )

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        name, phone = cleaned.get("emergency_contact_name"), cleaned.get("emergency_contact_phone")
        if name and not phone and "emergency_contact_phone" not in self.errors:
            self.add_error("emergency_contact_phone", "Add a phone number for your emergency contact.")
        if phone and not name and "emergency_contact_name" not in self.errors:
            self.add_error("emergency_contact_name", "Add your emergency contact's name.")
        return cleaned

    @classmethod
    def for_patient(cls, patient: Patient) -> ProfileForm:
        initial = {name: getattr(patient, name) for name in PROFILE_FIELDS}
        return cls(initial={**initial, "version": patient.version})

    def profile_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
