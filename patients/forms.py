"""Every check on what a person types to sign up or edit their profile."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from medisecure.forms import DateOfBirthField, ErrorSummaryMixin, PersonNameField, PhoneField, TextField
from medisecure.passwords import PASSWORD_POLICY, policy_violations
from patients.domain import LANGUAGES, PROFILE_FIELDS, Patient, SignupDetails

# The email is the Cognito username, and Cognito usernames stop at 128.
EMAIL_MAX_LENGTH = 128
PASSWORD_MAX_LENGTH = 256  # Cognito's limit


def password_rules() -> list[str]:
    """The user pool's policy, as the sign-up page lists it."""
    rules = [f"At least {PASSWORD_POLICY['MinimumLength']} characters"]
    if PASSWORD_POLICY["RequireUppercase"]:
        rules.append("An upper-case letter")
    if PASSWORD_POLICY["RequireLowercase"]:
        rules.append("A lower-case letter")
    if PASSWORD_POLICY["RequireNumbers"]:
        rules.append("A number")
    if PASSWORD_POLICY["RequireSymbols"]:
        rules.append("A symbol such as ! or -")
    return rules


class SignupForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(
        label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    family_name = PersonNameField(
        label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        help_text="We send a 6-digit code here. You sign in with this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter an email address like name@example.com.",
            "max_length": f"Use an email address of at most {EMAIL_MAX_LENGTH} characters.",
        },
    )
    date_of_birth = DateOfBirthField(label="Date of birth")
    phone = PhoneField(label="Mobile phone", widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    password = forms.CharField(
        label="Choose a password",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="It must have: " + "; ".join(rule.lower() for rule in password_rules()) + ".",
    )
    password_again = forms.CharField(
        label="Type the password again",
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_password(self):
        password = self.cleaned_data["password"]
        errors = [ValidationError(violation, code="policy") for violation in policy_violations(password)]
        if any(ord(character) < 32 or ord(character) == 127 for character in password):
            errors.append(ValidationError("Use only characters you can type.", code="control"))
        if errors:
            raise ValidationError(errors)
        return password

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again is not None and password != again:
            self.add_error("password_again", "The two passwords are not the same.")
        return cleaned

    def details(self) -> SignupDetails:
        data = self.cleaned_data
        return SignupDetails(
            email=data["email"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
            password=data["password"],
        )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError("Enter the 6 digits from the email.", code="format")
        return code


class ProfileForm(ErrorSummaryMixin, forms.Form):
    given_name = PersonNameField(label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    family_name = PersonNameField(label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    date_of_birth = DateOfBirthField(label="Date of birth")
    # Optional here: records made before sign-up asked for it may have none.
    phone = PhoneField(
        label="Mobile phone", required=False, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )
    address_line1 = TextField(
        label="Street address", max_length=100, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = TextField(
        label="Apartment, suite or unit", max_length=100, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = TextField(
        label="City or town", max_length=60, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = TextField(
        label="State or region", max_length=60, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.RegexField(
        label="ZIP or postal code", max_length=12, required=False, regex=r"^[A-Za-z0-9][A-Za-z0-9 -]{1,10}$",
        error_messages={"invalid": "Enter a ZIP or postal code, e.g. 10001 or SW1A 1AA."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    emergency_contact_name = PersonNameField(
        label="Their name", max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    emergency_contact_relationship = TextField(
        label="How they are related to you", max_length=40, required=False,
        help_text="For example: partner, parent, friend.",
    )
    emergency_contact_phone = PhoneField(
        label="Their phone", required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label="Preferred language",
        required=False,
        choices=[("", "Not stated")] + list(LANGUAGES),
        help_text="We arrange an interpreter for appointments when you need one.",
    )
    allergies_summary = TextField(
        label="Allergies",
        multiline=True,
        max_length=1000,
        required=False,
        help_text="What you are allergic to and what happens, e.g. \u201cPenicillin: rash\u201d. "
        "Write \u201cNone known\u201d if you have none. Your doctor confirms this at your next visit.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            key: "This form is out of date. Open your profile again and make your changes there."
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
