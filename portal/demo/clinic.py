"""What every step of the demo is given: who acts (the demo's people as
actors, looked up once by email), where from (the command's audit context),
a fixed random seed, and the slots already taken, so that visits written by
different steps never collide."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from appointments.domain import minutes_of, time_of
from medisecure import clinic_time
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from portal.demo.people import (
    DEMO_ADMIN_EMAIL,
    DEMO_FRONTDESK_EMAIL,
    DOCTORS_BY_KEY,
    PATIENTS_BY_KEY,
    DemoDoctor,
)

SEED = 20  # issue 20: the same clinic on every machine
# Fixed ids are made from names in this namespace (uuid5), so a run repeated
# after a failure writes the same ids again and the services refuse doubles.
NAMESPACE = uuid.UUID("6f1c5a3e-2b7d-4c1e-9a52-0d3e8b7f4c21")
COMMAND = "seed_demo"
AUDIT = AuditContext(request_id=COMMAND, ip="127.0.0.1", user_agent=f"manage.py {COMMAND}")


class CastMissing(Exception):
    """A person the demo needs has no account: seed_users (or an earlier
    step) has not made them."""


def fixed_id(*parts: str) -> str:
    return uuid.uuid5(NAMESPACE, "/".join(parts)).hex


@dataclass
class DemoClinic:
    password: str
    today: date = field(default_factory=lambda: clinic_time.in_clinic(datetime.now(UTC)).date())
    random: random.Random = field(default_factory=lambda: random.Random(SEED))
    audit: AuditContext = AUDIT
    _subs: dict[str, str] = field(default_factory=dict)
    _taken: set[tuple[str, datetime]] = field(default_factory=set)

    def sub(self, email: str) -> str:
        if email not in self._subs:
            user = cognito.get_pool_user(email)
            if user is None:
                raise CastMissing(email)
            self._subs[email] = user.sub
        return self._subs[email]

    def doctor(self, key: str) -> Actor:
        doctor = DOCTORS_BY_KEY[key]
        return Actor(self.sub(doctor.email), Role.DOCTOR.value, doctor.display_name, mfa_done=True)

    def patient(self, key: str) -> Actor:
        patient = PATIENTS_BY_KEY[key]
        name = f"{patient.given_name} {patient.family_name}"
        return Actor(self.sub(patient.address), Role.PATIENT.value, name)

    def sub_of_doctor(self, key: str) -> str:
        return self.sub(DOCTORS_BY_KEY[key].email)

    def sub_of_patient(self, key: str) -> str:
        return self.sub(PATIENTS_BY_KEY[key].address)

    def admin(self) -> Actor:
        return Actor(self.sub(DEMO_ADMIN_EMAIL), Role.ADMIN.value, "Ada Admin", mfa_done=True)

    def frontdesk(self) -> Actor:
        return Actor(self.sub(DEMO_FRONTDESK_EMAIL), Role.FRONTDESK.value, "Frankie Desk", mfa_done=True)

    def slot(
        self, doctor_key: str, *, days_from_today: int, hour: int, after: datetime | None = None
    ) -> datetime:
        """The first free start of the doctor's weekly hours on that day from
        `hour` (clinic time) on, else on the days after it; later than
        `after` if given; in UTC."""
        doctor = DOCTORS_BY_KEY[doctor_key]
        for offset in range(0, 21):
            day = self.today + timedelta(days=days_from_today + offset)
            for start in _grid(doctor, day, from_minute=hour * 60 if offset == 0 else 0):
                moment = datetime.combine(day, start, tzinfo=clinic_time.zone()).astimezone(UTC)
                if (doctor_key, moment) not in self._taken and (after is None or moment > after):
                    self._taken.add((doctor_key, moment))
                    return moment
        raise ValueError(f"no free slot for {doctor_key} near day {days_from_today}")


def _grid(doctor: DemoDoctor, day: date, *, from_minute: int):
    for rule in doctor.hours:
        if rule.weekday != day.weekday():
            continue
        minute = minutes_of(rule.start)
        while minute + rule.slot_minutes <= minutes_of(rule.end):
            in_break = any(minutes_of(pause.start) <= minute < minutes_of(pause.end) for pause in rule.breaks)
            if minute >= from_minute and not in_break:
                yield time_of(minute)
            minute += rule.slot_minutes
