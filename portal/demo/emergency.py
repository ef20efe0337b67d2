"""Step "emergency": a doctor outside a patient's care team opened their
chart in an emergency (break-glass), and the grant waits for an admin's
review."""

from __future__ import annotations

from patients.emergency.domain import EmergencyRequest
from patients.emergency.services import emergency_access_grant
from portal.demo.clinic import DemoClinic
from portal.demo.people import PATIENTS, PATIENTS_BY_KEY, contact_details

PATIENT = "oliver"  # in Dr Sample's care, not Dr Herrera's
DOCTOR = "herrera"
REASON = (
    "Brought in after a fall with a deep cut on the arm; needs his allergies and medicines before treatment."
)


def emergency_seed(clinic: DemoClinic) -> str:
    patient = PATIENTS_BY_KEY[PATIENT]
    emergency_access_grant(
        actor=clinic.doctor(DOCTOR),
        audit=clinic.audit,
        wanted=EmergencyRequest(
            given_name=patient.given_name,
            family_name=patient.family_name,
            date_of_birth=patient.date_of_birth,
            # The third identifier the lookup asks for: the last 4 digits of
            # the phone on file, as the patients step made it.
            identifier=contact_details(PATIENTS.index(patient), patient)["phone"][-4:],
            reason=REASON,
        ),
    )
    return "1 emergency grant waiting for review"
