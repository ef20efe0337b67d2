"""Step "patients": thirty patients (the demo patient among them) with
dates of birth, contact details, a preferred language and a doctor of their
own in their care team."""

from __future__ import annotations

from medisecure.errors import ConcurrentUpdate
from patients.care_team.services import AlreadyInCareTeam, care_team_member_add
from patients.services import patient_profile_update
from portal import seeding
from portal.demo.clinic import DemoClinic
from portal.demo.people import DOCTORS_BY_KEY, PATIENTS, contact_details


def patients_seed(clinic: DemoClinic) -> str:
    admin = clinic.admin()
    linked = 0
    for index, patient in enumerate(PATIENTS):
        seeding.user_seed(person=patient.person, password=clinic.password)
        try:
            # Version 1: the record as seeding made it, never a patient's own edit.
            patient_profile_update(
                actor=clinic.patient(patient.key),
                audit=clinic.audit,
                values=contact_details(index, patient),
                expected_version=1,
            )
        except ConcurrentUpdate:
            pass
        try:
            care_team_member_add(
                actor=admin,
                audit=clinic.audit,
                patient_id=clinic.sub(patient.address),
                doctor_email=DOCTORS_BY_KEY[patient.doctor].email,
            )
            linked += 1
        except AlreadyInCareTeam:
            pass
    return f"{len(PATIENTS)} patients, {linked} new care-team links"
