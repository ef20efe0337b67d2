"""The clinician application's form, and the admin's review forms (the
list's filter and search, a decision, a decision on several)."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinicians.applications.domain import (
    DECISION_LABELS,
    LICENCE_SCAN_MAX_BYTES,
    NOTE_REQUIRED,
    PENDING,
    STATUS_LABELS,
    ApplicationDetails,
    is_application_reference,
    licence_scan_type,
    npi_is_valid,
)
from clinicians.domain import SPECIALTIES
from medisecure import file_types
from medisecure.forms import CalendarDayField

# --- Validators ----------------------------------------------------------------

# Unicode's control and format characters: invisible, they can hide or reorder
# text (a right-to-left override makes "gpj.exe" read as "exe.jpg").
_INVISIBLE_CATEGORIES = ("Cc", "Cf")
_LINE_BREAKS = "\n\r\t"


def reject_control_characters(value: str, *, multiline: bool = False) -> None:
    allowed = _LINE_BREAKS if multiline else ""
    if any(unicodedata.category(c) in _INVISIBLE_CATEGORIES and c not in allowed for c in value):
        raise ValidationError("Remove the invisible or control characters from this answer.", code="control")


def _single_line(value: str) -> None:
    reject_control_characters(value)


def _multiline(value: str) -> None:
    reject_control_characters(value, multiline=True)


def _text(
    label: str, *, max_length: int, help_text: str = "", autocomplete: str = "", **kwargs
) -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        validators=[_single_line],
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


PHONE = re.compile(r"^\+?[0-9 ().-]+$")
LICENCE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")
PROVIDER_NUMBER = re.compile(r"^[A-Za-z0-9-]{4,20}$")


# --- The public application ----------------------------------------------------


class ApplicationForm(forms.Form):
    given_name = _text("Given name or names", max_length=60, autocomplete="given-name")
    family_name = _text("Family name", max_length=60, autocomplete="family-name")
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send your application's reference here, and later your sign-in details.",
        validators=[_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    phone = _text(
        "Phone number",
        max_length=25,
        help_text="Include the country code if you are outside the United States.",
        autocomplete="tel",
    )
    specialty = forms.ChoiceField(
        label="Specialty", choices=[("", "Choose your specialty")] + [(name, name) for name in SPECIALTIES]
    )
    licence_number = _text("Licence number", max_length=30)
    licence_region = _text(
        "State or region that issued the licence",
        max_length=60,
        help_text="For example: New York, or Ontario.",
    )
    licence_expiry = CalendarDayField(
        label="Licence expiry date",
        input_formats=None,
        error_messages={"invalid": "Enter the expiry date as shown on your licence, like 2027-06-30."},
    )
    npi = _text(
        "NPI or national provider number",
        max_length=20,
        required=False,
        help_text="A US NPI has 10 digits; we check its last digit.",
    )
    years_of_practice = forms.IntegerField(
        label="Years in practice",
        min_value=0,
        max_value=70,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of years, like 8."},
    )
    statement = forms.CharField(
        label="A short statement",
        max_length=2000,
        help_text="Why you would like to practise with the clinic, in up to 2,000 characters.",
        validators=[_multiline],
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    licence_scan = forms.FileField(
        label="Scan or photo of your licence",
        help_text=f"A PDF, JPEG or PNG file of up to {LICENCE_SCAN_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        error_messages={"required": "Choose the file with your licence scan."},
    )

    def clean_given_name(self):
        return " ".join(self.cleaned_data["given_name"].split())

    def clean_family_name(self):
        return " ".join(self.cleaned_data["family_name"].split())

    def clean_email(self):
        # Cognito usernames are lower-cased emails; the guard keys on the same.
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        digits = sum(c.isdigit() for c in phone)
        if not PHONE.match(phone) or not 7 <= digits <= 15:
            raise ValidationError("Enter a phone number of 7 to 15 digits, like +1 212 555 0123.")
        return phone

    def clean_licence_number(self):
        number = self.cleaned_data["licence_number"]
        if not LICENCE_NUMBER.match(number):
            raise ValidationError(
                "Use only the letters, digits, spaces, dots, dashes and slashes on your licence."
            )
        return number

    def clean_licence_expiry(self):
        expiry = self.cleaned_data["licence_expiry"]
        if expiry < timezone.localdate():
            raise ValidationError("This licence has expired. Apply with a licence that is still valid.")
        return expiry

    def clean_npi(self):
        number = self.cleaned_data["npi"].replace(" ", "")
        if not number:
            return ""
        if number.isdigit() and len(number) == 10:
            if not npi_is_valid(number):
                raise ValidationError(
                    "This NPI's check digit does not match. Check the number on your NPI record."
                )
            return number
        if not PROVIDER_NUMBER.match(number):
            raise ValidationError(
                "Enter a 10-digit NPI, or your national provider number (4 to 20 letters and digits)."
            )
        return number.upper()

    def clean_licence_scan(self):
        scan = self.cleaned_data["licence_scan"]
        if scan.size > LICENCE_SCAN_MAX_BYTES:
            raise ValidationError(
                f"The file is larger than {LICENCE_SCAN_MAX_BYTES // (1024 * 1024)} MB. "
                "Scan it at a lower resolution or as a PDF."
            )
        scan.seek(0)
        head = scan.read(16)
        scan.seek(0)
        self.scan_type = licence_scan_type(head)
        if self.scan_type is None:
            # Judged by the content: a renamed file of another kind is refused.
            raise ValidationError(
                "This file is not a PDF, JPEG or PNG. Upload your licence in one of those formats."
            )
        scan.seek(0)
        whole = scan.read()
        scan.seek(0)
        if file_types.active_content(whole, self.scan_type):
            raise ValidationError(
                "This file holds scripts or web-page code, so it cannot be uploaded. "
                "Upload a plain scan or photo of your licence."
            )
        return scan

    def details(self) -> ApplicationDetails:
        data = self.cleaned_data
        return ApplicationDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            email=data["email"],
            phone=data["phone"],
            specialty=data["specialty"],
            licence_number=data["licence_number"],
            licence_region=data["licence_region"],
            licence_expiry=data["licence_expiry"],
            npi=data["npi"],
            years_of_practice=data["years_of_practice"],
            statement=data["statement"],
        )


# --- The admin's review ----------------------------------------------------------


class ApplicationListForm(forms.Form):
    """The list's query string: status filter, search and page token."""

    status = forms.ChoiceField(choices=list(STATUS_LABELS.items()), required=False)
    q = forms.CharField(required=False, max_length=254, validators=[_single_line])
    page = forms.CharField(required=False, max_length=2048)

    def clean_status(self):
        return self.cleaned_data["status"] or PENDING

    def clean_q(self):
        return self.cleaned_data["q"].strip()


def _note_field() -> forms.CharField:
    return forms.CharField(
        label="Message to the applicant",
        required=False,
        max_length=2000,
        help_text="Required to reject (the reason) or to ask for more information (what you need). "
        "It is emailed to the applicant as written and kept in the audit trail.",
        validators=[_multiline],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class _NeedsNoteForDecision(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in NOTE_REQUIRED and not cleaned.get("note", "").strip():
            wording = (
                "the reason for the rejection"
                if cleaned["decision"] == "reject"
                else "the information you need"
            )
            self.add_error("note", f"Write {wording}; the applicant receives it by email.")
        return cleaned


class DecisionForm(_NeedsNoteForDecision):
    decision = forms.ChoiceField(choices=list(DECISION_LABELS.items()))
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = _note_field()


class SelectedApplicationsField(forms.Field):
    """Application references ticked in the list."""

    widget = forms.MultipleHiddenInput
    MAX_SELECTED = 100

    def to_python(self, value):
        return list(value or [])

    def validate(self, value):
        super().validate(value)
        if len(value) > self.MAX_SELECTED or not all(
            is_application_reference(reference) for reference in value
        ):
            raise ValidationError("Select applications from the list.")


class BulkActionForm(forms.Form):
    """The list's action bar: a decision and the ticked applications."""

    action = forms.ChoiceField(label="Action", choices=[("", "---------")] + list(DECISION_LABELS.items()))
    selected = SelectedApplicationsField(
        error_messages={
            "required": "Items must be selected in order to perform actions on them. No items have been changed."
        }
    )


class BulkDecisionForm(_NeedsNoteForDecision):
    """The confirmation of a decision on several applications, each with the
    version the admin confirmed it at."""

    decision = forms.ChoiceField(choices=list(DECISION_LABELS.items()), widget=forms.HiddenInput)
    items = forms.CharField(widget=forms.HiddenInput, max_length=4000)
    note = _note_field()

    def clean_items(self):
        versions = {}
        for entry in self.cleaned_data["items"].split():
            reference, _, version = entry.partition("@")
            if not is_application_reference(reference) or not version.isdigit():
                raise ValidationError("Select applications from the list.")
            versions[reference] = int(version)
        if not versions or len(versions) > SelectedApplicationsField.MAX_SELECTED:
            raise ValidationError("Select applications from the list.")
        return versions
