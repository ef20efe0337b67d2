"""The chart, emergency access and care-team pages in the hostile-input
registry (tests/form_registry.py adds them to TARGETS). A chart entry
refused by its form comes back as the chart with the field's error, as a 400."""

from __future__ import annotations

from clinicians.chart_forms import ENTRY_FORMS, EmergencyAccessForm, PatientSearchForm, amendment_form
from medisecure.forms import PageForm
from patients import records_repository
from patients.admin_views import DoctorForm, PatientLookupForm
from patients.records_domain import ALLERGY, DIAGNOSIS, MEDICATION, NOTE, VITALS
from tests.access_matrix import ADMIN, DOCTOR, OTHER_DOCTOR
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup

ADDED_OR_REFUSED = frozenset({302, 400})

ENTRY_BASELINES = {
    NOTE: {"subjective": "Cough for a week.", "objective": "Chest clear.", "assessment": "Viral.", "plan": "Rest."},
    DIAGNOSIS: {"code": "J20.9", "description": "Acute bronchitis", "status": "active", "onset": "2026-01-10"},
    MEDICATION: {"name": "Amoxicillin", "dose": "500 mg", "frequency": "Three times a day", "start": "2026-01-10",
                 "stop": ""},
    ALLERGY: {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate"},
    VITALS: {"systolic": "120", "diastolic": "80", "heart_rate": "70", "respiratory_rate": "14",
             "oxygen_saturation": "98", "temperature": "37.0", "temperature_unit": "C", "weight": "70",
             "weight_unit": "kg"},
}


def _chart(setup: Setup) -> str:
    return f"/doctor/patients/{setup.cast.patient.sub}/"


def _add_note(setup: Setup) -> None:
    added = setup.client.post(f"{_chart(setup)}add/{NOTE}/", ENTRY_BASELINES[NOTE])
    assert added.status_code == 302, added.status_code
    [entry] = records_repository.all_entries(setup.cast.patient.sub)
    setup.made["entry"] = entry


def _amendment(setup: Setup) -> dict:
    return {**ENTRY_BASELINES[NOTE], "plan": "Rest and fluids.", "reason": "Plan clarified.",
            "version": str(setup.made["entry"].version)}


def _emergency(setup: Setup) -> dict:
    return {"given_name": "Jordan", "family_name": "Example", "date_of_birth": "1985-04-12",
            "reason": "Brought in unconscious; no one from the care team on site."}


def _entry_target(kind: str) -> FormTarget:
    return FormTarget(
        "clinicians:chart_entry_add", DOCTOR, ENTRY_FORMS[kind], lambda setup: dict(ENTRY_BASELINES[kind]),
        lambda setup: f"{_chart(setup)}add/{kind}/", statuses=ADDED_OR_REFUSED,
    )


RECORD_TARGETS = (
    *(_entry_target(kind) for kind in ENTRY_FORMS),
    FormTarget(
        "clinicians:chart_entry", DOCTOR, amendment_form(NOTE), _amendment,
        lambda setup: f"{_chart(setup)}entries/{setup.made['entry'].entry_id}/", prepare=_add_note,
        statuses=frozenset({302, 400, 409}),  # 409: a well-formed but stale version
    ),
    FormTarget("clinicians:emergency_access", OTHER_DOCTOR, EmergencyAccessForm, _emergency,
               lambda setup: "/doctor/patients/emergency/"),
    FormTarget(
        "admin:care_team_add", ADMIN, DoctorForm, lambda setup: {"doctor": setup.cast.other_doctor.email},
        lambda setup: f"/admin/patients/care-team/{setup.cast.patient.sub}/add/", statuses=frozenset({302}),
    ),
    # Query-string forms.
    FormTarget("clinicians:patients", DOCTOR, PatientSearchForm, lambda setup: {"q": "Pat", "page": ""},
               lambda setup: "/doctor/patients/", method="GET", statuses=WITH_PAGE_TOKEN),
    FormTarget("clinicians:chart_history", DOCTOR, PageForm, lambda setup: {"page": ""},
               lambda setup: f"{_chart(setup)}history/", method="GET", statuses=WITH_PAGE_TOKEN),
    FormTarget("admin:care_team", ADMIN, PatientLookupForm, lambda setup: {"patient": setup.cast.patient.email},
               lambda setup: "/admin/patients/care-team/", method="GET"),
    FormTarget("admin:emergency_access_review", ADMIN, PageForm, lambda setup: {"page": ""},
               lambda setup: "/admin/patients/emergency-access/", method="GET", statuses=WITH_PAGE_TOKEN),
)
