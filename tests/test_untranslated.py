"""No patient-facing page shows a word the catalogue does not carry. The
Spanish catalogue's entries are compiled into a pseudo-locale in which every
translation is its source wrapped in ⟦ ⟧; the demo clinic's patient then
opens every page of the access matrix a patient or a signed-out visitor
may open, and one page of every kind their links lead to, in that locale.
Whatever text is left outside the marks must be data (a stored value: a
name, a medicine, a doctor's note), a date word Django's own catalogue
gives, a number, an address or a link: an English word there is a string
the templates or the code never passed through the translation machinery.

The patient's emails (sign-up code, booking, reminder, cancellation, a new
message) are scanned the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.utils import dates, translation

from conftest import prepare_stack
from medisecure import aws as aws_clients
from medisecure import dynamo, languages
from medisecure.identity.roles import Role
from medisecure.tables import TABLES
from portal import seeding
from portal.seeding import SeedResult
from tests.access_matrix import ANONYMOUS, PATIENT, ROUTES
from tests.support import TEST_PASSWORD, sign_in
from tests.test_seed_demo import _Settings as _ModuleSettings
from tools import compile_messages

pytestmark = pytest.mark.django_db

OPEN, CLOSE = "⟦", "⟧"
PSEUDO = "es"  # compiled from the Spanish catalogue's own entries, so Spanish formats apply
# Pages for the clinic's staff and clinicians, open to a signed-out visitor.
NOT_PATIENT_FACING = {"clinician_apply", "healthz"}
# Attributes a person reads or hears.
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
NOT_WORDS = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+|\b[A-Z0-9]{2,}-[A-Z0-9-]+\b")
WORD = re.compile(r"[^\W\d_]{2,}")
# Names of standards and units, the same in Spanish.
SAME_IN_SPANISH = {"PDF", "FHIR", "LOINC", "CVX", "ICD", "mmHg", "BMI", "IMC", "JPEG", "PNG", "MB", "KB"}


def pseudo_catalogue(directory: Path) -> None:
    """locale/es's entries, each translated as its own source in marks."""
    po = Path(compile_messages.LOCALE) / "es" / "LC_MESSAGES" / "django.po"
    entries = compile_messages.parse(po.read_text(encoding="utf-8"))
    for entry in entries:
        if entry.msgid and not entry.obsolete:
            sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
            # every plural form Spanish has (one, many, other), the last the plural
            forms = sources if len(sources) == 1 else [sources[0], sources[1], sources[1]]
            entry.msgstr = {index: f"{OPEN}{source}{CLOSE}" for index, source in enumerate(forms)}
            entry.fuzzy = False
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.mo").write_bytes(compile_messages.mo_bytes(entries))


class _Text(HTMLParser):
    """The text a person reads: text nodes and read attributes, leaving out
    scripts, styles, and anything in a `lang` of its own (a language's
    own name in the switch)."""

    SKIP = {"script", "style"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skip = tag in self.SKIP or ("lang" in values and tag != "html")
        if not self._skipping() and not skip:
            self.parts += [values[name] or "" for name in READ_ATTRIBUTES if name in values]
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.parts.append(values.get("value") or "")
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def untranslated(text: str, allowed: set[str]) -> set[str]:
    while MARKED.search(text):
        text = MARKED.sub(" ", text)
    text = NOT_WORDS.sub(" ", text)
    return {word for word in WORD.findall(text) if word not in allowed}


def page_words(html: str, allowed: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return untranslated("\n".join(parser.parts), allowed)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        if set(value) == {"S"}:
            return [value["S"]]
        return [string for inner in value.values() for string in _strings(inner)]
    if isinstance(value, list):
        return [string for inner in value for string in _strings(inner)]
    return []


def data_words() -> set[str]:
    """Every word of every stored string (a Scan: a test may), the clinic's
    settings, and the date words of Django's own catalogue."""
    client = aws_clients.client("dynamodb")
    words: set[str] = set()
    for table in TABLES:
        for page in client.get_paginator("scan").paginate(TableName=dynamo.name(table)):
            for item in page["Items"]:
                for string in _strings(item):
                    words |= set(WORD.findall(string))
    for setting in ("CLINIC_NAME", "CLINIC_PHONE", "CLINIC_ADDRESS"):
        words |= set(WORD.findall(str(getattr(django_settings, setting, ""))))
    words |= SAME_IN_SPANISH
    with translation.override(PSEUDO):
        # what Django's own catalogue says: file sizes, and the words of dates
        for size in (1, 2, 2048, 2 * 1024**2):
            words |= set(WORD.findall(str(filesizeformat(size))))
        for table in (dates.WEEKDAYS, dates.WEEKDAYS_ABBR, dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP):
            for name in table.values():
                words |= set(WORD.findall(str(name))) | set(WORD.findall(str(name).title()))
    return words


def _shape(path: str) -> str:
    """A path with its ids put aside, so one page of each kind is opened."""
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/<id>", path.split("?")[0])


PATIENT_ROUTES = [
    route
    for route in ROUTES
    if (PATIENT in route.allowed or ANONYMOUS in route.allowed)
    and route.ok_status == 200
    and route.name not in NOT_PATIENT_FACING
]
LINK = re.compile(r'href="(/(?:patient|signup|account|signed-out)/[^"#]*)"')


@dataclass(frozen=True)
class _DemoClinic:
    patient: SeedResult
    other_patient: SeedResult


@pytest.fixture(scope="module")
def demo_clinic(local_stack, django_db_blocker):
    """The demo clinic (`manage.py seed_demo`), made once for the module."""
    settings = _ModuleSettings()
    try:
        prepare_stack(local_stack, settings)
        with django_db_blocker.unblock():
            patient = {result.role: result for result in seeding.demo_cast_seed(password=TEST_PASSWORD)}[
                Role.PATIENT
            ]
            call_command("seed_demo", stdout=StringIO())
        yield _DemoClinic(patient=patient, other_patient=patient)
    finally:
        settings.undo()


@pytest.fixture
def pseudo_locale(settings, tmp_path):
    pseudo_catalogue(tmp_path)
    settings.LOCALE_PATHS = [tmp_path]
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def test_the_pseudo_locale_marks_a_translated_page(pseudo_locale, client, aws):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=PSEUDO)

    assert f"{OPEN}Sign in{CLOSE}" in response.content.decode()


def test_an_untranslated_word_is_found():
    assert page_words(f"<p>{OPEN}Your appointments{CLOSE} Ana Home</p>", {"Ana"}) == {"Home"}
    assert page_words('<p><span lang="en">English</span> <a title="Open it">x</a></p>', set()) == {
        "Open",
        "it",
    }


def test_no_patient_facing_page_shows_an_untranslated_string(pseudo_locale, demo_clinic, client):
    allowed = data_words()
    found: dict[str, set[str]] = {}

    def scan(path: str) -> str:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=PSEUDO)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return ""
        html = response.content.decode()
        words = page_words(html, allowed)
        if words:
            found[path] = words
        return html

    for route in PATIENT_ROUTES:
        if PATIENT not in route.allowed:
            scan(route.url(demo_clinic))

    sign_in(client, demo_clinic.patient.email)
    session = client.session
    session[languages.SESSION_KEY] = PSEUDO
    session.save()
    seen, links = set(), []
    for route in PATIENT_ROUTES:
        if PATIENT in route.allowed:
            seen.add(_shape(route.path))
            links += LINK.findall(scan(route.url(demo_clinic)))
    for link in links:
        if _shape(link) not in seen and "/download" not in link:
            seen.add(_shape(link))
            scan(link.replace("&amp;", "&"))

    assert not found, "\n".join(f"{path}: {' '.join(sorted(words))}" for path, words in found.items())


def _patient_emails(cast) -> dict:
    """Every email a patient can be sent, built as the services build them,
    in the patient's language (the pseudo-locale)."""
    from accounts.recovery import emails as recovery_emails
    from appointments import emails as appointment_emails
    from medisecure import clock
    from patients.emergency import emails as emergency_emails
    from patients.emergency.domain import EmergencyGrant
    from patients.messages import emails as message_emails
    from patients.signup import emails as signup_emails
    from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
    from tests.forms_appointments import book_for

    booked = book_for(cast.patient, cast.doctor)
    soon = clock.now() + timedelta(minutes=10)
    hold = SimpleNamespace(start=booked.start, expires_at=soon, hold_id="h" * 32)
    grant = EmergencyGrant(
        patient_id=cast.patient.sub,
        provider_id=cast.doctor.sub,
        provider_name="Dr Casey Sample",
        granted_at=clock.stamp(clock.now()),
        expires_at=int(soon.timestamp()),
        reason="RSN-42",  # what the doctor typed: data
    )
    to, name = cast.patient.email, "Ana"
    built = {
        "confirmation": appointment_emails.confirmation(
            to=to, first_name=name, appointment=booked, language=PSEUDO
        ),
        "reminder": appointment_emails.reminder(to=to, first_name=name, appointment=booked, language=PSEUDO),
        "cancellation": appointment_emails.cancellation(
            to=to, first_name=name, appointment=booked, language=PSEUDO
        ),
        "moved": appointment_emails.moved(
            to=to, first_name=name, appointment=booked, previous_start=soon, language=PSEUDO
        ),
        "waitlist_offer": appointment_emails.waitlist_offer(
            to=to, first_name=name, hold=hold, language=PSEUDO
        ),
        "new_message": message_emails.new_message(to=to, thread_url="/patient/messages/x/", language=PSEUDO),
        "emergency": emergency_emails.patient_notice(grant, to=to, language=PSEUDO),
    }
    # The sign-up's and the password's emails go in the language of the page that sends them.
    with translation.override(PSEUDO):
        built["signup_code"] = signup_emails.signup_code(
            to=to, first_name=name, code="123456", expires_at=soon
        )
        built["signup_finish"] = signup_emails.signup_finish_link(
            to=to, first_name=name, secret="s" * 32, expires_at=soon
        )
        built["signup_existing"] = signup_emails.existing_account_notice(to=to)
        built["password_changed"] = recovery_emails.password_changed(to)
    return built


def test_no_patient_email_has_an_untranslated_string(pseudo_locale, cast):
    emails = _patient_emails(cast)
    allowed = data_words() | {"Ana"}
    found = {}
    for name, message in emails.items():
        words = (
            untranslated(message.subject, allowed)
            | untranslated(message.text, allowed)
            | page_words(message.html, allowed)
        )
        for attachment in message.attachments:
            calendar = attachment.data.decode()
            summaries = re.findall(r"^(?:SUMMARY|DESCRIPTION|LOCATION):(.*)$", calendar, re.M)
            words |= untranslated(" ".join(summaries), allowed)
        if words:
            found[name] = words

    assert set(emails) >= {"confirmation", "reminder", "cancellation", "signup_code", "new_message"}
    assert not found, "\n".join(f"{name}: {' '.join(sorted(words))}" for name, words in found.items())
