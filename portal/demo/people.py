"""The invented people of the demo clinic: four doctors across three
specialties and thirty patients. Every name, date of birth, address and
phone number is made up (phones in the 555-01xx range kept for fiction);
emails end in .test, which no mail server answers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import time

from appointments.domain import Break, WeeklyRule
from medisecure.identity.roles import Role
from portal.seeding import SeedPerson

# The demo cast of seed_users: the demo doctor and patient take part too.
DEMO_DOCTOR_EMAIL = "doctor@medisecure.test"
DEMO_PATIENT_EMAIL = "patient@medisecure.test"
DEMO_ADMIN_EMAIL = "admin@medisecure.test"
DEMO_FRONTDESK_EMAIL = "frontdesk@medisecure.test"

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)


@dataclass(frozen=True)
class DemoDoctor:
    key: str
    email: str
    given_name: str
    family_name: str
    specialty: str
    hours: tuple[WeeklyRule, ...]

    @property
    def person(self) -> SeedPerson:
        return SeedPerson(
            self.email, Role.DOCTOR, self.given_name, self.family_name, specialty=self.specialty
        )

    @property
    def display_name(self) -> str:
        return f"Dr {self.given_name} {self.family_name}"


def _days(weekdays, start: time, end: time, slot_minutes: int, lunch: Break | None = None):
    breaks = (lunch,) if lunch else ()
    return tuple(WeeklyRule(day, start, end, slot_minutes, breaks) for day in weekdays)


LUNCH = Break(time(12, 30), time(13, 30))

DOCTORS = (
    DemoDoctor(
        "sample",
        DEMO_DOCTOR_EMAIL,
        "Casey",
        "Sample",
        "Family medicine",
        _days((MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY), time(9), time(17), 30, LUNCH),
    ),
    DemoDoctor(
        "okafor",
        "amara.okafor@medisecure.test",
        "Amara",
        "Okafor",
        "Family medicine",
        _days((MONDAY, TUESDAY, WEDNESDAY, THURSDAY), time(8), time(14), 20),
    ),
    DemoDoctor(
        "nowak",
        "lukasz.nowak@medisecure.test",
        "Łukasz",
        "Nowak",
        "Cardiology",
        _days((TUESDAY, THURSDAY), time(9), time(16, 30), 30, LUNCH),
    ),
    DemoDoctor(
        "herrera",
        "sofia.herrera@medisecure.test",
        "Sofía",
        "Herrera",
        "Dermatology",
        _days((MONDAY, WEDNESDAY, FRIDAY), time(10), time(18), 30, LUNCH),
    ),
)
DOCTORS_BY_KEY = {doctor.key: doctor for doctor in DOCTORS}


@dataclass(frozen=True)
class DemoPatient:
    key: str
    given_name: str
    family_name: str
    date_of_birth: str
    city: str
    language: str  # a LANGUAGES tag
    doctor: str  # the key of the doctor who is theirs
    email: str = ""  # default: made from the name

    @property
    def address(self) -> str:
        return self.email or f"{_ascii(self.given_name)}.{_ascii(self.family_name)}@patients.medisecure.test"

    @property
    def person(self) -> SeedPerson:
        return SeedPerson(
            self.address, Role.PATIENT, self.given_name, self.family_name, date_of_birth=self.date_of_birth
        )


def _ascii(name: str) -> str:
    """A name as the local part of an email: "Łukasz Ó'Brien" -> "lukasz-obrien"."""
    folded = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    kept = "".join(
        character for character in folded if character.isascii() and (character.isalnum() or character == " ")
    )
    return "-".join(kept.lower().split())


# (key, given, family, born, city, language, their doctor)
_PATIENTS = (
    ("jordan", "Jordan", "Example", "1985-04-12", "Riverton", "en", "sample", DEMO_PATIENT_EMAIL),
    ("jose", "José", "Martínez Ruiz", "1972-09-03", "Riverton", "es", "sample"),
    ("lukasz", "Łukasz", "Wiśniewski", "1990-01-27", "Millbrook", "en", "okafor"),
    ("zoe", "Zoë", "Fairbanks", "2001-06-15", "Riverton", "en", "herrera"),
    ("amelie", "Amélie", "Dubois", "1964-11-30", "Eastfield", "en", "sample"),
    ("siobhan", "Siobhán", "O'Connor", "1979-03-08", "Millbrook", "en", "okafor"),
    ("nguyen", "Minh Anh", "Nguyễn", "1988-07-21", "Riverton", "en", "okafor"),
    ("maria", "María José", "Castillo", "1958-02-14", "Eastfield", "es", "nowak"),
    ("bjorn", "Björn", "Lindqvist", "1969-12-01", "Riverton", "en", "nowak"),
    ("aisha", "Aisha", "Rahman", "1995-05-19", "Millbrook", "en", "sample"),
    ("francois", "François", "Lefèvre", "1983-08-09", "Eastfield", "en", "herrera"),
    ("chloe", "Chloé", "Bernard", "2004-10-02", "Riverton", "en", "herrera"),
    ("emeka", "Chukwuemeka", "Eze", "1976-04-25", "Millbrook", "en", "okafor"),
    ("ines", "Inés", "Domínguez", "1992-03-17", "Riverton", "es", "sample"),
    ("soren", "Søren", "Kjær", "1961-07-07", "Eastfield", "en", "nowak"),
    ("priya", "Priya", "Raghunathan", "1987-01-11", "Riverton", "en", "okafor"),
    ("mateo", "Mateo", "Gutiérrez", "2010-09-29", "Millbrook", "es", "sample"),
    ("hannah", "Hannah", "Goldberg", "1954-06-04", "Riverton", "en", "nowak"),
    ("kenji", "Kenji", "Takahashi", "1981-02-22", "Eastfield", "en", "herrera"),
    ("renee", "Renée", "Lavoie", "1973-12-19", "Riverton", "en", "sample"),
    ("dmitri", "Dmitri", "Volkov", "1966-05-05", "Millbrook", "en", "nowak"),
    ("fatima", "Fátima", "Alves", "1998-08-30", "Riverton", "es", "okafor"),
    ("oliver", "Oliver", "Brennan", "1949-10-13", "Eastfield", "en", "sample"),
    ("gulsen", "Gülşen", "Yılmaz", "1985-11-24", "Riverton", "en", "herrera"),
    ("tomas", "Tomás", "Ferreira", "1977-03-03", "Millbrook", "es", "okafor"),
    ("ana", "Ana Lucía", "Paredes", "1993-07-16", "Riverton", "es", "sample"),
    ("noah", "Noah", "Whitaker", "2007-04-08", "Eastfield", "en", "okafor"),
    ("elif", "Elif", "Şahin", "1990-09-12", "Riverton", "en", "nowak"),
    ("raphael", "Raphaël", "Moreau", "1968-01-31", "Millbrook", "en", "herrera"),
    ("grace", "Grace", "Adeyemi", "1982-06-27", "Riverton", "en", "sample"),
)
PATIENTS = tuple(DemoPatient(*row) for row in _PATIENTS)
PATIENTS_BY_KEY = {patient.key: patient for patient in PATIENTS}

STREETS = ("Alder Way", "Birch Lane", "Cedar Court", "Juniper Road", "Maple Avenue", "Willow Street")
REGIONS = {"Riverton": "OR", "Millbrook": "OR", "Eastfield": "WA"}


def contact_details(index: int, patient: DemoPatient) -> dict:
    """The profile fields of the patient at `index`, made up from it."""
    street = STREETS[index % len(STREETS)]
    return {
        "phone": f"+1555010{index:04d}",
        "address_line1": f"{100 + index * 7} {street}",
        "city": patient.city,
        "region": REGIONS[patient.city],
        "postal_code": f"97{300 + index:03d}",
        "emergency_contact_name": "Sam " + patient.family_name.split()[0],
        "emergency_contact_relationship": "Partner" if index % 2 else "Sibling",
        "emergency_contact_phone": f"+1555019{index:04d}",
        "preferred_language": patient.language,
    }
