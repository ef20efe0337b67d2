"""The lab-result pages in the access matrix (tests/access_matrix.py adds
them to ROUTES) and the id-swapping registry (tests/test_id_swapping.py).
The cast's patient is in the cast doctor's care team, in no one else's."""

from __future__ import annotations

from tests.access_matrix import DOCTOR, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, SELF, Route

NO_RESULT = "20260101T000000000000-0123456789abcdef"
PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
DOCTORS = frozenset({DOCTOR, OTHER_DOCTOR})

RESULT_ROUTES = (
    # Recording a result offers the patient's documents: their list is the read audited.
    Route(
        "chart_results:new",
        "/doctor/patients/{patient}/results/new/",
        frozenset({DOCTOR}),
        "document.list",
        touches_phi=True,
        audit_patient=PATIENT,
        not_found=frozenset({OTHER_DOCTOR}),
    ),
    # POST only: a GET that gets through is refused with 405, before any lookup.
    Route(
        "chart_results:review",
        f"/doctor/patients/{{patient}}/results/{NO_RESULT}/review/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    Route("results:list", "/patient/results/", PATIENTS, "result.list", touches_phi=True, audit_patient=SELF),
    # The cast has no such result: the patient gets through to a 404, audited as a denial.
    Route(
        "results:detail",
        f"/patient/results/{NO_RESULT}/",
        PATIENTS,
        "result.read",
        ok_status=404,
        touches_phi=True,
        audit_patient=SELF,
        audit_outcome="denied",
    ),
)


def _result_of(patient_id: str, doctor_id: str) -> str:
    """A lab result in the patient's record, recorded by their doctor; its id."""
    from medisecure.identity.actors import NO_REQUEST, Actor
    from patients.records import services as records_services

    entry = records_services.chart_entry_add(
        actor=Actor(user_id=doctor_id, role="doctor"),
        audit=NO_REQUEST,
        patient_id=patient_id,
        kind="result",
        values={
            "test_name": "Private test",
            "loinc": "2823-3",
            "value": "4.2",
            "unit": "mmol/L",
            "range_low": "3.5",
            "range_high": "5.1",
            "collected": "2026-11-30",
        },
    )
    return entry.entry_id


RESULT_FOREIGN_IDS = {
    "chart_results:new": lambda cast: (OTHER_DOCTOR, {"patient_id": cast.patient.sub}),
    "chart_results:review": lambda cast: (
        OTHER_DOCTOR,
        {"patient_id": cast.patient.sub, "entry_id": _result_of(cast.patient.sub, cast.doctor.sub)},
    ),
    "results:detail": lambda cast: (
        OTHER_PATIENT,
        {"entry_id": _result_of(cast.patient.sub, cast.doctor.sub)},
    ),
}
