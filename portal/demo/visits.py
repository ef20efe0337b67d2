"""Step "visits": twelve weeks of past visits for the demo patient and
several others, each booked, seen and charted through the services that do
so in the clinic: the patient books the slot (the clock moved to the day
before), the doctor marks it completed and writes the visit's entries (the
clock moved to the visit). Blood pressure and weight trend across the demo
patient's visits, so the record's trends have a story to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from appointments.booking.services import appointment_book
from appointments.domain import COMPLETED
from appointments.schedules.services import appointment_doctor_update
from medisecure import clock
from patients.records.domain import ALLERGY, DIAGNOSIS, MEDICATION, NOTE, VITALS
from patients.records.services import chart_entry_add
from portal.demo.clinic import DemoClinic, fixed_id


@dataclass(frozen=True)
class Visit:
    patient: str
    doctor: str
    weeks_ago: int
    reason: str
    entries: tuple[tuple[str, dict], ...]


def note(
    subjective: str, objective: str, assessment: str, plan: str, follow_up: str = ""
) -> tuple[str, dict]:
    return NOTE, {
        "subjective": subjective,
        "objective": objective,
        "assessment": assessment,
        "plan": plan,
        "follow_up": follow_up,
    }


def vitals(systolic: int, diastolic: int, heart_rate: int, weight: str, temperature: str = "36.8"):
    return VITALS, {
        "systolic": str(systolic),
        "diastolic": str(diastolic),
        "heart_rate": str(heart_rate),
        "respiratory_rate": "14",
        "oxygen_saturation": "98",
        "temperature": temperature,
        "temperature_unit": "C",
        "weight": weight,
        "weight_unit": "kg",
    }


def diagnosis(code: str, description: str, onset: str, status: str = "active"):
    return DIAGNOSIS, {"code": code, "description": description, "status": status, "onset": onset}


def medication(name: str, dose: str, frequency: str, start: str, stop: str = ""):
    return MEDICATION, {"name": name, "dose": dose, "frequency": frequency, "start": start, "stop": stop}


def allergy(substance: str, reaction: str, severity: str):
    return ALLERGY, {"substance": substance, "reaction": reaction, "severity": severity}


# The demo patient: raised blood pressure found at the first visit, treated,
# and coming down visit by visit; weight going down with it.
_JORDAN_BP = (
    (152, 97, 86, "92.4"),
    (148, 94, 84, "91.8"),
    (143, 91, 80, "91.1"),
    (138, 88, 78, "90.5"),
    (133, 85, 76, "89.9"),
    (128, 82, 72, "89.2"),
)
VISITS: tuple[Visit, ...] = (
    Visit(
        "jordan",
        "sample",
        12,
        "Headaches in the mornings",
        (
            note(
                "Morning headaches for three weeks, worse after poor sleep.",
                "Blood pressure raised on two readings, otherwise well.",
                "Raised blood pressure, likely long-standing.",
                "Start lisinopril, cut down salt, walk 30 minutes a day, review in two weeks.",
                "Book a blood pressure check in two weeks. Call the clinic sooner if the headaches get worse"
                " or you feel dizzy when you stand up.",
            ),
            vitals(*_JORDAN_BP[0]),
            diagnosis("I10", "High blood pressure (essential hypertension)", "{visit}"),
            medication("Lisinopril", "10 mg", "Once a day, in the morning", "{visit}"),
            allergy("Penicillin", "Hives", "moderate"),
        ),
    ),
    Visit(
        "jordan",
        "sample",
        10,
        "Blood pressure review",
        (
            note(
                "Headaches less often. No cough or dizziness on the new tablets.",
                "",
                "Responding to treatment.",
                "Carry on, check again in two weeks.",
                "Blood pressure check in two weeks.",
            ),
            vitals(*_JORDAN_BP[1]),
        ),
    ),
    Visit(
        "jordan",
        "sample",
        8,
        "Sore throat and blocked nose",
        (
            note(
                "Sore throat and blocked nose for four days, no fever.",
                "Throat red, chest clear.",
                "Common cold.",
                "Rest, fluids, paracetamol if needed.",
            ),
            vitals(*_JORDAN_BP[2], temperature="37.4"),
            diagnosis("J06.9", "Common cold (upper respiratory infection)", "{visit}", status="resolved"),
        ),
    ),
    Visit(
        "jordan",
        "nowak",
        7,
        "Heart check before exercise programme",
        (
            note(
                "Wants to start running. No chest pain or breathlessness.",
                "Heart sounds normal, ECG normal.",
                "Fit to exercise.",
                "Build up slowly; keep taking lisinopril.",
            ),
            vitals(140, 89, 79, "90.8"),
        ),
    ),
    Visit(
        "jordan",
        "sample",
        6,
        "Blood pressure review",
        (
            note("Walking most days. Sleeping better.", "", "Blood pressure coming down.", "Carry on."),
            vitals(*_JORDAN_BP[3]),
        ),
    ),
    Visit(
        "jordan",
        "sample",
        4,
        "Blood pressure review",
        (
            note("No headaches this month.", "", "Good progress.", "Review in two weeks."),
            vitals(*_JORDAN_BP[4]),
        ),
    ),
    Visit(
        "jordan",
        "sample",
        2,
        "Blood pressure review",
        (
            note(
                "Feeling well, running twice a week.",
                "",
                "Blood pressure in the target range.",
                "Carry on with lisinopril; next review in three months.",
                "Book your next blood pressure review for three months from now, from My appointments.",
            ),
            vitals(*_JORDAN_BP[5]),
        ),
    ),
    Visit(
        "jose",
        "sample",
        11,
        "Thirst and tiredness",
        (
            note(
                "Thirsty and tired for two months.",
                "Blood sugar high on a finger-prick test.",
                "Type 2 diabetes.",
                "Start metformin; diet advice; review in four weeks.",
            ),
            vitals(136, 86, 80, "98.2"),
            diagnosis("E11.9", "Type 2 diabetes", "{visit}"),
            medication("Metformin", "500 mg", "Twice a day, with meals", "{visit}"),
        ),
    ),
    Visit(
        "jose",
        "sample",
        7,
        "Diabetes review",
        (
            note("Less thirsty. Mild stomach upset at first, now settled.", "", "Improving.", "Carry on."),
            vitals(132, 84, 78, "96.9"),
        ),
    ),
    Visit(
        "jose",
        "sample",
        3,
        "Diabetes review",
        (
            note("Feeling much better.", "", "Well controlled.", "Review in three months."),
            vitals(130, 82, 76, "95.7"),
        ),
    ),
    Visit(
        "lukasz",
        "okafor",
        9,
        "Wheezing at night",
        (
            note(
                "Wheezing and cough at night, worse in spring.",
                "Wheeze on both sides of the chest.",
                "Asthma.",
                "Reliever inhaler; come back if needed more than twice a week.",
            ),
            vitals(118, 76, 72, "74.0"),
            diagnosis("J45.909", "Asthma", "{visit}"),
            medication("Salbutamol inhaler", "100 micrograms, 2 puffs", "When needed", "{visit}"),
            allergy("Cat dander", "Wheezing and itchy eyes", "mild"),
        ),
    ),
    Visit(
        "lukasz",
        "okafor",
        4,
        "Asthma review",
        (
            note(
                "Using the inhaler about once a week.", "Chest clear.", "Asthma well controlled.", "Carry on."
            ),
            vitals(116, 74, 70, "74.2"),
        ),
    ),
    Visit(
        "zoe",
        "herrera",
        10,
        "Itchy rash on the arms",
        (
            note(
                "Dry, itchy patches in the elbow creases since winter.",
                "Dry, red skin in both elbow creases.",
                "Eczema.",
                "Moisturise twice a day; steroid cream for flares.",
            ),
            diagnosis("L20.9", "Eczema (atopic dermatitis)", "{visit}"),
            medication("Hydrocortisone 1% cream", "Thin layer", "Twice a day for up to 7 days", "{visit}"),
        ),
    ),
    Visit(
        "zoe",
        "herrera",
        5,
        "Eczema review",
        (
            note(
                "Much less itchy.",
                "Skin almost clear.",
                "Eczema improving.",
                "Moisturiser only; cream if it flares.",
            ),
        ),
    ),
    Visit(
        "maria",
        "nowak",
        12,
        "Palpitations",
        (
            note(
                "Fluttering in the chest, a few times a week.",
                "Irregular pulse, ECG shows atrial fibrillation.",
                "Atrial fibrillation.",
                "Start apixaban and bisoprolol; review in four weeks.",
            ),
            vitals(146, 90, 104, "68.3"),
            diagnosis("I48.91", "Irregular heartbeat (atrial fibrillation)", "{visit}"),
            medication("Apixaban", "5 mg", "Twice a day", "{visit}"),
            medication("Bisoprolol", "2.5 mg", "Once a day", "{visit}"),
            allergy("Ibuprofen", "Stomach bleeding", "severe"),
        ),
    ),
    Visit(
        "maria",
        "nowak",
        8,
        "Heart rhythm review",
        (
            note(
                "Fewer palpitations.", "Pulse regular.", "Rate controlled.", "Carry on, review in four weeks."
            ),
            vitals(138, 86, 78, "68.0"),
        ),
    ),
    Visit(
        "maria",
        "nowak",
        4,
        "Heart rhythm review",
        (
            note("No palpitations.", "", "Stable.", "Review in three months."),
            vitals(134, 84, 72, "67.6"),
        ),
    ),
    Visit(
        "amelie",
        "sample",
        6,
        "High cholesterol found at a screening",
        (
            note(
                "Cholesterol high at a pharmacy screening.",
                "",
                "High cholesterol.",
                "Start atorvastatin; diet advice.",
            ),
            vitals(128, 80, 70, "71.5"),
            diagnosis("E78.5", "High cholesterol (hyperlipidaemia)", "{visit}"),
            medication("Atorvastatin", "20 mg", "Once a day, at night", "{visit}"),
        ),
    ),
    Visit(
        "siobhan",
        "okafor",
        5,
        "Headaches with flashing lights",
        (
            note(
                "Headaches once a month with flashing lights before.",
                "Neurological examination normal.",
                "Migraine with aura.",
                "Sumatriptan for attacks; headache diary.",
            ),
            diagnosis("G43.109", "Migraine with aura", "{visit}"),
            medication("Sumatriptan", "50 mg", "At the start of a migraine, once", "{visit}"),
        ),
    ),
)


def visits_seed(clinic: DemoClinic) -> str:
    entries = 0
    for number, visit in enumerate(VISITS):
        start = clinic.slot(visit.doctor, days_from_today=-7 * visit.weeks_ago, hour=9 + number % 6)
        appointment_id = fixed_id("visit", visit.patient, visit.doctor, str(visit.weeks_ago))
        with clock.shifted_to(start - timedelta(days=1)):
            appointment_book(
                actor=clinic.patient(visit.patient),
                audit=clinic.audit,
                provider_id=clinic.sub_of_doctor(visit.doctor),
                start=start,
                reason=visit.reason,
                appointment_id=appointment_id,
            )
        doctor = clinic.doctor(visit.doctor)
        with clock.shifted_to(start + timedelta(minutes=20)):
            appointment_doctor_update(
                actor=doctor, audit=clinic.audit, appointment_id=appointment_id, status=COMPLETED
            )
            on_the_day = clock.now().date().isoformat()
            for kind, values in visit.entries:
                chart_entry_add(
                    actor=doctor,
                    audit=clinic.audit,
                    patient_id=clinic.sub_of_patient(visit.patient),
                    kind=kind,
                    values={name: value.replace("{visit}", on_the_day) for name, value in values.items()},
                )
                entries += 1
    return f"{len(VISITS)} past visits, {entries} record entries"
