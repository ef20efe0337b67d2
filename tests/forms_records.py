"""The chart, emergency access and care-team pages in the hostile-input
registry (tests/form_registry.py adds them to TARGETS). The cast's doctor is
in the cast's patient's care team; the other doctor is not."""

from __future__ import annotations

from medisecure.forms import PageForm
from medisecure.identity.actors import NO_REQUEST, Actor
from patients.access_log.forms import AccessPeriodForm
from patients.care_team.forms import DoctorForm, PatientLookupForm
from patients.emergency import services as emergency_services
from patients.emergency.domain import EmergencyRequest
from patients.emergency.forms import EmergencyAccessForm, GrantReviewForm
from patients.records import services as records_services
from patients.records.forms import (
    AMENDMENT_FORMS,
    AddendumForm,
    AllergyForm,
    DiagnosisForm,
    MedicationForm,
    NoteForm,
    PatientSearchForm,
    VitalsForm,
)
from tests.access_matrix import ADMIN, DOCTOR, OTHER_DOCTOR, PATIENT
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup

ENTRY_BASELINES = {
    NoteForm: {"subjective": "Tired for a week", "objective": "", "assessment": "", "plan": "Rest"},
    DiagnosisForm: {
        "code": "J20.9",
        "description": "Acute bronchitis",
        "status": "active",
        "onset": "2026-01-05",
    },
    MedicationForm: {
        "name": "Amoxicillin",
        "dose": "500 mg",
        "frequency": "three times a day",
        "start": "2026-01-05",
        "stop": "",
    },
    AllergyForm: {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate"},
    VitalsForm: {
        "systolic": "120",
        "diastolic": "80",
        "heart_rate": "72",
        "respiratory_rate": "",
        "oxygen_saturation": "",
        "temperature": "36.8",
        "temperature_unit": "C",
        "weight": "",
        "weight_unit": "kg",
    },
}


def _chart(setup: Setup) -> str:
    return f"/doctor/patients/{setup.cast.patient.sub}/"


def _add_path(kind: str):
    return lambda setup: f"{_chart(setup)}add/{kind}/"


def _add_note(setup: Setup) -> None:
    doctor = setup.cast.doctor
    setup.made["entry"] = records_services.chart_entry_add(
        actor=Actor(user_id=doctor.sub, role=doctor.role.value),
        audit=NO_REQUEST,
        patient_id=setup.cast.patient.sub,
        kind=NoteForm.kind,
        values=ENTRY_BASELINES[NoteForm],
    )


def _amendment(setup: Setup) -> dict:
    entry = setup.made["entry"]
    return {
        **ENTRY_BASELINES[NoteForm],
        "plan": "Rest and fluids",
        "reason": "Plan was incomplete",
        "version": str(entry.version),
        "entry_kind": entry.kind,
    }


def _emergency(setup: Setup) -> dict:
    return {
        "given_name": "Jordan",
        "family_name": "Example",
        "date_of_birth": "1985-04-12",
        "identifier": "10001",
        "reason": "Brought in unconscious",
    }


def _grant(setup: Setup) -> None:
    other = setup.cast.other_doctor
    setup.made["grant"] = emergency_services.emergency_access_grant(
        actor=Actor(user_id=other.sub, role=other.role.value),
        audit=NO_REQUEST,
        wanted=EmergencyRequest(**_emergency(setup)),
    )


def _review(setup: Setup) -> dict:
    grant = setup.made["grant"]
    return {
        "patient_id": grant.patient_id,
        "granted_at": grant.granted_at,
        "provider_id": grant.provider_id,
        "outcome": "appropriate",
        "note": "Confirmed with A&E",
    }


RECORD_TARGETS = (
    *(
        FormTarget(
            "chart:entry_add",
            DOCTOR,
            form,
            lambda setup, values=values: dict(values),
            _add_path(form.kind),
        )
        for form, values in ENTRY_BASELINES.items()
    ),
    # 409: a stale but well-formed version (the loser of two amendments).
    # The other kinds' amendment forms are the entry forms above plus the
    # same three fields, so one kind's amendment stands for them.
    FormTarget(
        "chart:entry",
        DOCTOR,
        AMENDMENT_FORMS[NoteForm.kind],
        _amendment,
        lambda setup: f"{_chart(setup)}entries/{setup.made['entry'].entry_id}/",
        prepare=_add_note,
        statuses=frozenset({200, 302, 409}),
        covers=tuple(form for kind, form in AMENDMENT_FORMS.items() if kind != NoteForm.kind),
    ),
    FormTarget(
        "chart:addendum_add",
        DOCTOR,
        AddendumForm,
        lambda setup: {"text": "Seen again: as recorded"},
        lambda setup: f"{_chart(setup)}entries/{setup.made['entry'].entry_id}/addendum/",
        prepare=_add_note,
    ),
    FormTarget(
        "emergency:access",
        OTHER_DOCTOR,
        EmergencyAccessForm,
        _emergency,
        lambda setup: "/doctor/patients/emergency/",
    ),
    FormTarget(
        "chart:patients",
        DOCTOR,
        PatientSearchForm,
        lambda setup: {"q": "Exa", "page": ""},
        lambda setup: "/doctor/patients/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "records:access_log",
        PATIENT,
        AccessPeriodForm,
        lambda setup: {"period": "90", "since": "", "until": "", "page": ""},
        lambda setup: "/patient/records/access/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "chart:history",
        DOCTOR,
        PageForm,
        lambda setup: {"page": ""},
        lambda setup: f"{_chart(setup)}history/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "admin:emergency_access_review",
        ADMIN,
        PageForm,
        lambda setup: {"page": ""},
        lambda setup: "/admin/patients/emergency-access/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "admin:emergency_access_record_review",
        ADMIN,
        GrantReviewForm,
        _review,
        lambda setup: "/admin/patients/emergency-access/review/",
        prepare=_grant,
        statuses=frozenset({302, 400}),
    ),
    FormTarget(
        "admin:care_team",
        ADMIN,
        PatientLookupForm,
        lambda setup: {"patient": setup.cast.patient.email},
        lambda setup: "/admin/patients/care-team/",
        method="GET",
    ),
    FormTarget(
        "admin:care_team_add",
        ADMIN,
        DoctorForm,
        lambda setup: {"doctor": setup.cast.other_doctor.email},
        lambda setup: f"/admin/patients/care-team/{setup.cast.patient.sub}/add/",
    ),
    # It reads no input: the patient and the doctor are named by the path.
    FormTarget(
        "admin:care_team_remove",
        ADMIN,
        None,
        lambda setup: {},
        lambda setup: f"/admin/patients/care-team/{setup.cast.patient.sub}/remove/{setup.cast.doctor.sub}/",
    ),
)
