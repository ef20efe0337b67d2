"""The portal in the reader's language: a signed-out visitor's browser or the
footer's switch; a signed-in patient's stored preferred language for their
pages and for every email sent to them, whoever's action sends it; dates in
the language's own formats; and a catalogue that compiles only complete."""

from __future__ import annotations

import gettext
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from appointments import emails
from appointments.reminders.services import appointment_reminders_send
from appointments.tests.support import raw_mail_to
from medisecure import clinic_time
from medisecure.identity.actors import NO_REQUEST, Actor, system_actor
from patients import selectors as patient_selectors
from patients import services as patient_services
from patients.tests.conftest import codes_sent_to, signup_form
from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
from tests.forms_appointments import book_for
from tests.support import mail_to, sign_in
from tools import compile_messages

pytestmark = pytest.mark.django_db


def _prefers(person, language: str) -> None:
    """`person` (a patient of the cast) stores `language` in their profile."""
    actor = Actor(user_id=person.sub, role=person.role.value)
    current = patient_selectors.patient_get(patient_id=person.sub)
    patient_services.patient_profile_update(
        actor=actor,
        audit=NO_REQUEST,
        values={"preferred_language": language},
        expected_version=current.version,
    )


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _calendar(message) -> str:
    [part] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    return part.get_content() if isinstance(part.get_content(), str) else part.get_content().decode()


# --- Signed-out visitors ---------------------------------------------------------


def test_a_visitor_reads_the_language_their_browser_asks_for(client, aws):
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="es">' in spanish.content.decode() and "Iniciar sesión" in spanish.content.decode()
    assert spanish["Content-Language"] == "es"
    assert '<html lang="en">' in english.content.decode() and "Sign in" in english.content.decode()


def test_the_footer_switch_changes_the_language_without_javascript(client, aws):
    page = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<form method="post" action="/language/"', page)
    assert 'name="language" value="es"' in page

    switched = client.post("/language/", {"language": "es", "next": "/signup/"}, HTTP_ACCEPT_LANGUAGE="en")

    assert switched.status_code == 302 and switched["Location"] == "/signup/"
    again = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cree su cuenta de paciente" in again


def test_the_switch_refuses_a_page_on_another_site_and_a_get(client, aws):
    away = client.post("/language/", {"language": "es", "next": "https://evil.example/"})

    assert away.status_code == 302 and away["Location"] == "/"
    assert client.get("/language/?language=es").status_code == 405


def test_the_switch_needs_the_forms_csrf_token(aws):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    assert strict.post("/language/", {"language": "es", "next": "/"}).status_code == 403


def test_a_spanish_sign_up_code_email_is_in_spanish(client, local_stack, aws):
    client.post("/signup/", signup_form(), HTTP_ACCEPT_LANGUAGE="es")

    [message] = mail_to(local_stack, "avery.newcomer@example.org")
    assert message["subject"].startswith("Su código de registro de")
    assert "Hola, Avery:" in message["body"] and "Sirve durante" in message["body"]
    assert codes_sent_to(local_stack, "avery.newcomer@example.org")


# --- Signed-in patients ------------------------------------------------------------


def test_a_spanish_preferring_patients_pages_are_in_spanish_whatever_the_browser(client, cast):
    _prefers(cast.patient, "es")
    sign_in(client, cast.patient.email)

    home = client.get("/patient/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    appointments = client.get("/patient/appointments/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="es">' in home and "Mi salud" in home and "Sus próximas citas" in home
    assert "Mis citas" in appointments and "Próximas citas, las más cercanas primero" in appointments
    assert "My health" not in home


def test_saving_spanish_in_the_profile_turns_the_portal_spanish(client, cast):
    sign_in(client, cast.patient.email)
    page = client.get("/patient/profile/", HTTP_ACCEPT_LANGUAGE="en")
    form = page.context["form"]
    values = {name: form[name].value() or "" for name in form.fields}
    values["preferred_language"] = "es"

    saved = client.post("/patient/profile/", values, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Su perfil está guardado." in saved.content.decode()
    assert patient_selectors.patient_get(patient_id=cast.patient.sub).preferred_language == "es"
    assert "Mi perfil" in client.get("/patient/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_patient_who_prefers_another_language_keeps_the_browsers(client, cast):
    _prefers(cast.patient, "fr")  # an interpreter's language, not one the portal is written in
    sign_in(client, cast.patient.email)

    assert "Mi salud" in client.get("/patient/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "My health" in client.get("/patient/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_spanish_patients_booking_confirmation_and_its_calendar_are_in_spanish(cast, local_stack):
    _prefers(cast.patient, "es")

    booked = book_for(cast.patient, cast.doctor)

    [message] = raw_mail_to(local_stack, cast.patient.email)
    assert message["Subject"].startswith("Su cita en") and message["Subject"].endswith("está reservada")
    text = _text(message)
    assert "Su cita está reservada:" in text
    with translation.override("es"):
        day = clinic_time.clinic_long_date(booked.start)
    assert f"{day} a las " in text and re.search(r"a las \d{2}:\d{2} \(", text)
    assert "SUMMARY:Cita con " in _calendar(message)


def test_a_spanish_patients_reminder_is_in_spanish_and_an_english_patients_in_english(cast, local_stack):
    _prefers(cast.patient, "es")
    book_for(cast.patient, cast.doctor)
    book_for(cast.other_patient, cast.doctor)

    appointment_reminders_send(actor=system_actor("test"), audit=NO_REQUEST, within=timedelta(days=30))

    spanish = [m for m in raw_mail_to(local_stack, cast.patient.email) if "Recordatorio" in m["Subject"]]
    english = [m for m in raw_mail_to(local_stack, cast.other_patient.email) if "Reminder" in m["Subject"]]
    assert len(spanish) == 1 and "Le recordamos su cita:" in _text(spanish[0])
    assert "SUMMARY:Cita con " in _calendar(spanish[0])
    assert len(english) == 1 and "A reminder of your appointment:" in _text(english[0])


def test_a_doctors_notice_stays_in_the_clinics_language_from_a_spanish_page(cast):
    booked = book_for(cast.patient, cast.doctor)

    with translation.override("es"):
        notice = emails.doctor_notice(to=cast.doctor.email, appointment=booked, booked=True)

    assert "A patient booked an appointment with you:" in notice.text


def test_the_clinics_staff_read_the_clinics_language_whatever_the_browser(client, cast):
    sign_in(client, cast.doctor.email)

    page = client.get("/doctor/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<html lang="en">' in page and "My schedule" in page
    assert 'action="/language/"' not in page


# --- Dates ---------------------------------------------------------------------------


def test_dates_and_times_read_in_the_pages_language():
    moment = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)

    with translation.override("en"):
        english = (clinic_time.clinic_datetime(moment), clinic_time.clinic_long_date(date(2026, 12, 2)))
    with translation.override("es"):
        spanish = (clinic_time.clinic_datetime(moment), clinic_time.clinic_long_date(date(2026, 12, 2)))

    assert english == ("Wed 2 Dec 2026, 10:00 AM", "Wednesday 2 December 2026")
    assert spanish == ("mié 2 dic 2026, 10:00", "miércoles 2 de diciembre de 2026")


# --- The catalogue -------------------------------------------------------------------


PO_HEAD = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def test_the_spanish_catalogue_compiles_complete():
    po = compile_messages.LOCALE / "es" / "LC_MESSAGES" / "django.po"

    assert compile_messages.compile_catalogue(po, write=False) == []


def test_an_untranslated_fuzzy_or_misplaced_entry_stops_the_build(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(
        PO_HEAD
        + 'msgid "Book"\nmsgstr ""\n\n'
        + '#, fuzzy\nmsgid "Cancel"\nmsgstr "Cancelar"\n\n'
        + 'msgid "Hello %(name)s"\nmsgstr "Hola"\n\n'
        + 'msgid "Done"\nmsgstr "Hecho"\n',
        encoding="utf-8",
    )

    problems = compile_messages.compile_catalogue(po)

    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "not translated",
        "marked fuzzy",
        "its placeholders differ from the source's",
    ]
    assert not po.with_suffix(".mo").exists()


def test_a_compiled_catalogue_reads_back_with_pythons_gettext(tmp_path: Path):
    po = tmp_path / "django.po"
    po.write_text(
        PO_HEAD
        + 'msgctxt "appointment list"\nmsgid "Past"\nmsgstr "Anteriores"\n\n'
        + 'msgid "one visit"\nmsgid_plural "%(count)s visits"\nmsgstr[0] "una consulta"\n'
        + 'msgstr[1] "%(count)s consultas"\n\n'
        + 'msgid "A long line "\n"that goes on"\nmsgstr "Una línea larga "\n"que sigue"\n',
        encoding="utf-8",
    )

    assert compile_messages.compile_catalogue(po) == []
    with po.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.pgettext("appointment list", "Past") == "Anteriores"
    assert catalogue.ngettext("one visit", "%(count)s visits", 3) == "%(count)s consultas"
    assert catalogue.gettext("A long line that goes on") == "Una línea larga que sigue"
