"""Form pieces every app shares: the pagination token, and fields for what
people type about themselves (names, phone numbers, dates of birth, free
text), each refusing control characters and absurd values with a message a
person can act on."""

from __future__ import annotations

import unicodedata
from datetime import date

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medisecure import clock
from medisecure.passwords import PASSWORD_POLICY, policy_violations

OLDEST_BIRTH_YEAR_SPAN = 125
# Bidirectional embeddings, overrides and isolates can make text read
# differently from what is stored ("Trojan Source"); no one needs them in a
# name, an address or an allergy list.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Zero-width joiners stay allowed: some scripts (and names) need them.
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})
LINE_BREAKS = frozenset("\n\r\t")


class ErrorSummaryMixin:
    """Lets a page's error summary say "correct the answers below" only when
    some visible answer is marked."""

    @property
    def has_visible_field_errors(self) -> bool:
        return any(field.errors for field in self.visible_fields())


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


class PageForm(forms.Form):
    """The `page` query parameter of a paginated list (an opaque token)."""

    page = forms.CharField(required=False, max_length=2048)


def refuse_control_characters(value: str, *, multiline: bool = False) -> None:
    for character in value:
        if multiline and character in LINE_BREAKS:
            continue
        if character in BIDI_CONTROLS or unicodedata.category(character) in REFUSED_CATEGORIES:
            raise ValidationError(
                _("Remove the hidden or control characters from this answer."), code="control"
            )


class TextField(forms.CharField):
    """Free text a person types: NFC-normalised, stripped, control characters
    refused (line breaks allowed only where the field is multi-line)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            refuse_control_characters(value, multiline=self.multiline)


class PersonNameField(TextField):
    MAX_LENGTH = 60

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", self.MAX_LENGTH)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not any(character.isalpha() for character in value):
            raise ValidationError(_("Enter a name with at least one letter."), code="no_letters")


class PhoneField(TextField):
    """A phone number in any common notation, stored in E.164 (+12125550123).
    Numbers without a country code are read as PHONE_DEFAULT_REGION's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "help_text",
            _("Include the country code if the number is outside the United States, e.g. +44 20 7946 0958."),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(
                _("Enter a phone number, e.g. (212) 555-0123 or +44 20 7946 0958."), code="phone"
            ) from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(
                _("That is not a phone number we can call. Check the digits and the country code."),
                code="phone",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class EmailAddressField(forms.EmailField):
    """A person's email address as sign-up, recovery and email change take
    it: at most 128 characters (the pool's and the tables' bound), one
    wording for its errors, and lower-cased, since the portal keys people on
    the address as typed in any case."""

    MAX_LENGTH = 128

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", self.MAX_LENGTH)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Enter an email address like name@example.com."),
                "max_length": format_lazy(
                    _("Use an email address of at most {count} characters."), count=self.MAX_LENGTH
                ),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(value).strip().lower()


class CalendarDayField(forms.DateField):
    """A day the clinic's calendar can hold. The years are bounded so a date
    like 9999-12-31, moved into another zone or a week further on, is a
    field error rather than an overflow."""

    EARLIEST_YEAR, LATEST_YEAR = 2000, 2199

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid", _("Enter the date as year-month-day, e.g. 2026-12-24.")
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.EARLIEST_YEAR <= value.year <= self.LATEST_YEAR:
            raise ValidationError(
                _("Choose a date between the years %(earliest)s and %(latest)s.")
                % {"earliest": self.EARLIEST_YEAR, "latest": self.LATEST_YEAR},
                code="out_of_range",
            )


class DateOfBirthField(forms.DateField):
    """A date of birth: in the past, and within a human lifetime."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d")
        )
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter the date as year-month-day, e.g. 1985-04-12.")}
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localtime(clock.now()).date()
        if value > today:
            raise ValidationError(_("A date of birth cannot be in the future."), code="future")
        if value < date(today.year - OLDEST_BIRTH_YEAR_SPAN, 1, 1):
            raise ValidationError(_("Check the year: that date of birth is too long ago."), code="too_old")

    def clean(self, value):
        value = super().clean(value)
        return value.isoformat() if value else ""


# Cognito's limit on a password.
PASSWORD_MAX_LENGTH = 256


def password_rules() -> list[str]:
    """The user pool's policy, as the password pages list it."""
    rules = [format_lazy(_("At least {count} characters"), count=PASSWORD_POLICY["MinimumLength"])]
    for key, wording in (
        ("RequireUppercase", _("An upper-case letter")),
        ("RequireLowercase", _("A lower-case letter")),
        ("RequireNumbers", _("A number")),
        ("RequireSymbols", _("A symbol such as ! or -")),
    ):
        if PASSWORD_POLICY[key]:
            rules.append(wording)
    return rules


def new_password_field(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        **kwargs,
    )


class NewPasswordMixin:
    """A form's `password` checked against the pool's policy rule by rule,
    and `password_again` the same: sign-up, a reset and a change alike."""

    passwords_differ = _("The two passwords are not the same.")

    def clean_password(self):
        password = self.cleaned_data["password"]
        errors = [ValidationError(violation, code="policy") for violation in policy_violations(password)]
        if any(ord(character) < 32 or ord(character) == 127 for character in password):
            errors.append(ValidationError(_("Use only characters you can type."), code="control"))
        if errors:
            raise ValidationError(errors)
        return password

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again is not None and password != again:
            self.add_error("password_again", ValidationError(self.passwords_differ, code="mismatch"))
        return cleaned
