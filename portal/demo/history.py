"""Step "analytics": twelve weeks of the clinic's bookings and sign-ups from
before the demo's own people, so the marketer's dashboard has numbers big
enough to show (most cells of a handful of demo patients would read "<11").

The history is anonymous: sign-ups and patient records with no name, email
or date of birth (so no list, search or index finds them), and appointments
with doctors no one is (the specialties' "history" doctors, on nobody's
schedule). It is written through the rooms' repositories, then counted the
way everything is: by the analytics projectors over the tables' streams
(the consumers `make run` follows, so their checkpoints are shared and the
projectors' dedupe marks keep anything from counting twice)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from appointments import repository as appointments
from appointments.domain import BOOKED, CANCELLED, COMPLETED, NO_SHOW, Appointment, AppointmentExists
from medisecure import clinic_time, clock
from medisecure.management.commands.stream_consumer import consumers
from medisecure.unit_of_work import Transaction
from patients import repository as patients
from patients.domain import Patient, PatientExists
from patients.signup import repository as signups
from patients.signup.domain import PENDING, PROVEN, VERIFIED, Signup, SignupMoved
from portal.demo.clinic import DemoClinic, fixed_id

WEEKS = 12
# Patients who first came before the twelve weeks: the returning ones.
EARLIER_PATIENTS = 30
BATCH = 25
PROJECTORS = ["analytics", "analytics-signups", "analytics-patients"]
# (specialty, share of bookings, its visit types)
SPECIALTIES = (
    ("Family medicine", 0.5, ("Check-up", "Video consultation")),
    ("Cardiology", 0.25, ("Check-up", "Heart check with ECG")),
    ("Dermatology", 0.25, ("Check-up", "Skin check", "Video consultation")),
)
# Days booked ahead: (the band's days, its share)
LEAD_TIMES = (
    (range(0, 1), 0.1),
    (range(1, 4), 0.3),
    (range(4, 8), 0.3),
    (range(8, 15), 0.18),
    (range(15, 29), 0.12),
)


def _pick(clinic: DemoClinic, weighted):
    roll, upto = clinic.random.random(), 0.0
    for value, share in weighted:
        upto += share
        if roll < upto:
            return value
    return weighted[-1][0]


def _moment(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), clinic_time.zone())


def _weekday_on_or_after(day):
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


class _Writer:
    """Adds the history in transactions of BATCH writes. A batch an earlier,
    interrupted run already wrote is refused whole (its fixed ids) and left."""

    def __init__(self):
        self.tx, self.written = Transaction(), 0

    def add(self, add_to, item) -> None:
        add_to(self.tx, item)
        if len(self.tx) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if len(self.tx):
            try:
                self.tx.commit()
                self.written += len(self.tx)
            except (PatientExists, AppointmentExists, SignupMoved):
                pass
        self.tx = Transaction()


def _appointment(
    clinic: DemoClinic, number: str, patient: str, booked: datetime, now: datetime
) -> Appointment:
    specialty, _, visit_types = _pick(clinic, [(entry, entry[1]) for entry in SPECIALTIES])
    lead = clinic.random.choice(list(_pick(clinic, LEAD_TIMES)))
    local = clinic_time.in_clinic(booked)
    day = _weekday_on_or_after(local.date() + timedelta(days=lead))
    earliest = local.hour + 1 if day == local.date() else 8
    if earliest > 17:  # booked after hours for today: the next weekday
        day, earliest = _weekday_on_or_after(day + timedelta(days=1)), 8
    start = _moment(day, clinic.random.randint(max(8, earliest), 17), clinic.random.choice((0, 30)))
    if start <= now:
        status = _pick(clinic, ((COMPLETED, 0.82), (CANCELLED, 0.11), (NO_SHOW, 0.07)))
    else:
        status = _pick(clinic, ((BOOKED, 0.88), (CANCELLED, 0.12)))
    return Appointment(
        appointment_id=fixed_id("history", "appointment", number),
        patient_id=patient,
        provider_id=f"history-{specialty.lower().replace(' ', '-')}",
        start=start,
        end=start + timedelta(minutes=30),
        reason="",
        status=status,
        created_at=clock.stamp(booked),
        visit_type_name=clinic.random.choice(visit_types),
        specialty=specialty,
    )


def _patient(patient_id: str, made: datetime) -> Patient:
    return Patient(
        patient_id=patient_id,
        email="",
        given_name="",
        family_name="",
        date_of_birth="",
        created_at=clock.stamp(made),
    )


def _signup(number: int, started: datetime, status: str) -> Signup:
    return Signup(
        email=f"history-{number}@signup.invalid",
        created_at=clock.stamp(started),
        signup_id=fixed_id("history", "signup", str(number)),
        status=status,
        for_existing_account=False,
        code_digest="",
        code_expires_at=0,
        attempts=0,
        expires_at=clock.epoch_seconds(started + timedelta(days=1)),
    )


def _booked_at(clinic: DemoClinic, monday, now: datetime) -> datetime:
    moment = _moment(monday + timedelta(days=clinic.random.randint(0, 6)), clinic.random.randint(7, 21))
    return min(moment, now - timedelta(minutes=5))


def history_seed(clinic: DemoClinic) -> str:
    now = clock.now()
    this_monday = clinic.today - timedelta(days=clinic.today.weekday())
    writer = _Writer()
    earlier = [fixed_id("history", "patient", "earlier", str(n)) for n in range(EARLIER_PATIENTS)]
    long_ago = _moment(this_monday - timedelta(weeks=WEEKS + 8), 10)
    for number, patient in enumerate(earlier):
        writer.add(patients.patient_add, _patient(patient, long_ago))
        first = _appointment(clinic, f"earlier-{number}", patient, long_ago + timedelta(hours=1), now)
        writer.add(appointments.appointment_add, first)
    pool, signup_number, appointment_number = list(earlier), 0, 0
    # Two weeks of bookings before the twelve, so the first week shown has
    # the visits booked ahead into it, as any week does.
    for back in range(WEEKS + 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        growth = max(0, WEEKS - back)
        for _ in range(16 + growth + clinic.random.randint(-2, 2) if back < WEEKS else 0):
            signup_number += 1
            started = _booked_at(clinic, monday, now)
            status = _pick(clinic, ((VERIFIED, 0.78), (PROVEN, 0.07), (PENDING, 0.15)))
            writer.add(signups.signup_add, _signup(signup_number, started, status))
            if status != VERIFIED:
                continue
            patient = fixed_id("history", "patient", str(signup_number))
            writer.add(patients.patient_add, _patient(patient, started + timedelta(minutes=5)))
            if clinic.random.random() < 0.9:
                appointment_number += 1
                booked = min(started + timedelta(minutes=20), now - timedelta(minutes=1))
                writer.add(
                    appointments.appointment_add,
                    _appointment(clinic, str(appointment_number), patient, booked, now),
                )
            pool.append(patient)
        for _ in range(22 + growth + clinic.random.randint(-3, 3)):
            appointment_number += 1
            patient = clinic.random.choice(pool)
            booked = _booked_at(clinic, monday, now)
            writer.add(
                appointments.appointment_add,
                _appointment(clinic, str(appointment_number), patient, booked, now),
            )
    writer.flush()
    projected = 0
    for consumer in consumers(PROJECTORS):
        while handed := consumer.poll():
            projected += handed
    return (
        f"{signup_number} sign-ups and {appointment_number + EARLIER_PATIENTS} anonymous bookings over "
        f"{WEEKS} weeks; {projected} changes counted by the analytics projectors"
    )
