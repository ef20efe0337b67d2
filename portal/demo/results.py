"""Step "results": lab results and immunizations in the demo patient's
record and several others', recorded by their doctors through the results
room and the record's services (the clock moved to the day each was
recorded). Some results the doctor has reviewed and the patient has opened;
the newest wait for the doctor's review and are new to the patient; a few
are out of range, one far enough to be critical, so the doctor's review
list has something at its top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from medisecure import clock
from patients.records.domain import IMMUNIZATION
from patients.records.services import chart_entry_add
from patients.results.services import result_open, result_record, result_review
from portal.demo.clinic import DemoClinic


@dataclass(frozen=True)
class Result:
    patient: str
    doctor: str
    days_ago: int
    test_name: str
    loinc: str
    value: str
    unit: str
    range_low: str
    range_high: str
    critical_low: str = ""
    critical_high: str = ""
    reviewed: bool = False  # the doctor reviewed it, and the patient then opened it

    def values(self, collected: str) -> dict:
        return {
            "test_name": self.test_name,
            "loinc": self.loinc,
            "value": self.value,
            "unit": self.unit,
            "range_low": self.range_low,
            "range_high": self.range_high,
            "critical_low": self.critical_low,
            "critical_high": self.critical_high,
            "collected": collected,
            "report_reference": "",
            "report_name": "",
        }


RESULTS = (
    # The demo patient: kidney and potassium checked after starting
    # lisinopril (reviewed), then a cholesterol and sugar screen last week
    # (waiting: the LDL is high).
    Result("jordan", "sample", 80, "Potassium", "2823-3", "4.6", "mmol/L", "3.5", "5.1", "2.5", "6.0", True),
    Result("jordan", "sample", 80, "Creatinine", "2160-0", "88", "µmol/L", "62", "106", reviewed=True),
    Result("jordan", "sample", 6, "LDL cholesterol", "13457-7", "3.9", "mmol/L", "", "3.0"),
    Result("jordan", "sample", 6, "HbA1c", "4548-4", "36", "mmol/mol", "20", "41"),
    Result("jose", "sample", 75, "HbA1c", "4548-4", "71", "mmol/mol", "20", "41", reviewed=True),
    Result("jose", "sample", 4, "HbA1c", "4548-4", "54", "mmol/mol", "20", "41"),
    Result("amelie", "sample", 40, "Total cholesterol", "2093-3", "6.8", "mmol/L", "", "5.0", reviewed=True),
    Result("amelie", "sample", 2, "Creatine kinase", "2157-6", "180", "U/L", "40", "320"),
    Result("maria", "nowak", 3, "Potassium", "2823-3", "6.4", "mmol/L", "3.5", "5.1", "2.5", "6.0"),
    Result("maria", "nowak", 55, "Haemoglobin", "718-7", "128", "g/L", "115", "160", reviewed=True),
    Result("lukasz", "okafor", 30, "Eosinophils", "711-2", "0.6", "10*9/L", "0", "0.5", reviewed=True),
)

# (patient, doctor, days ago, vaccine, CVX code, lot, site)
IMMUNIZATIONS = (
    ("jordan", "sample", 700, "Tetanus, diphtheria, pertussis (Tdap)", "115", "TD4471", "left_arm"),
    ("jordan", "sample", 400, "COVID-19, mRNA", "208", "CV2213", "left_arm"),
    ("jordan", "sample", 50, "Influenza, seasonal", "141", "FL9032", "right_arm"),
    ("jose", "sample", 52, "Influenza, seasonal", "141", "FL9032", "left_arm"),
    ("jose", "sample", 300, "Pneumococcal conjugate (PCV20)", "216", "PN5510", "left_arm"),
    ("aisha", "sample", 20, "Typhoid, injectable", "101", "TY3308", "left_arm"),
    ("aisha", "sample", 20, "Hepatitis A, adult", "52", "HA7781", "right_arm"),
    ("mateo", "sample", 900, "Measles, mumps and rubella (MMR)", "03", "MM1207", "left_thigh"),
    ("maria", "nowak", 60, "Influenza, seasonal", "141", "FL9032", "left_arm"),
)


def results_seed(clinic: DemoClinic) -> str:
    now = clock.now()
    for result in RESULTS:
        _record(clinic, result, now)
    for patient, doctor, days, vaccine, cvx, lot, site in IMMUNIZATIONS:
        given = now - timedelta(days=days)
        with clock.shifted_to(given):
            chart_entry_add(
                actor=clinic.doctor(doctor),
                audit=clinic.audit,
                patient_id=clinic.sub_of_patient(patient),
                kind=IMMUNIZATION,
                values={
                    "vaccine": vaccine,
                    "cvx": cvx,
                    "given": given.date().isoformat(),
                    "lot": lot,
                    "site": site,
                },
            )
    waiting = sum(not result.reviewed for result in RESULTS)
    return f"{len(RESULTS)} lab results ({waiting} waiting for review), {len(IMMUNIZATIONS)} immunizations"


def _record(clinic: DemoClinic, result: Result, now: datetime) -> None:
    doctor = clinic.doctor(result.doctor)
    patient_id = clinic.sub_of_patient(result.patient)
    recorded = now - timedelta(days=result.days_ago)
    with clock.shifted_to(recorded):
        entry = result_record(
            actor=doctor,
            audit=clinic.audit,
            patient_id=patient_id,
            values=result.values(collected=(recorded - timedelta(days=1)).date().isoformat()),
        )
    if not result.reviewed:
        return
    with clock.shifted_to(recorded + timedelta(hours=3)):
        result_review(actor=doctor, audit=clinic.audit, patient_id=patient_id, entry_id=entry.entry_id)
    with clock.shifted_to(recorded + timedelta(days=1)):
        result_open(actor=clinic.patient(result.patient), audit=clinic.audit, entry_id=entry.entry_id)
