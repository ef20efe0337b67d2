"""The lab-result and immunization forms in the hostile-input registry
(tests/form_registry.py adds them to TARGETS). The cast's doctor is in the
cast's patient's care team."""

from __future__ import annotations

from medisecure.forms import PageForm
from patients.records.forms import ImmunizationForm, ResultForm
from tests.access_matrix import DOCTOR, PATIENT
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup
from tests.matrix_results import _result_of

RESULT_BASELINE = {
    "test_name": "Potassium",
    "loinc": "2823-3",
    "value": "4.2",
    "unit": "mmol/L",
    "range_low": "3.5",
    "range_high": "5.1",
    "critical_low": "2.5",
    "critical_high": "6.5",
    "collected": "2026-11-30",
    "report_reference": "",
}
IMMUNIZATION_BASELINE = {
    "vaccine": "Influenza, seasonal",
    "cvx": "141",
    "given": "2026-10-01",
    "lot": "AB12C",
    "site": "left_arm",
}


def _chart(setup: Setup) -> str:
    return f"/doctor/patients/{setup.cast.patient.sub}/"


def _add_result(setup: Setup) -> None:
    setup.made["result"] = _result_of(setup.cast.patient.sub, setup.cast.doctor.sub)


RESULT_TARGETS = (
    FormTarget(
        "chart_results:new",
        DOCTOR,
        ResultForm,
        lambda setup: dict(RESULT_BASELINE),
        lambda setup: f"{_chart(setup)}results/new/",
    ),
    FormTarget(
        "chart:entry_add",
        DOCTOR,
        ImmunizationForm,
        lambda setup: dict(IMMUNIZATION_BASELINE),
        lambda setup: f"{_chart(setup)}add/immunization/",
    ),
    # It reads no input: the patient and the result are named by the path.
    FormTarget(
        "chart_results:review",
        DOCTOR,
        None,
        lambda setup: {},
        lambda setup: f"{_chart(setup)}results/{setup.made['result']}/review/",
        prepare=_add_result,
    ),
    FormTarget(
        "results:list",
        PATIENT,
        PageForm,
        lambda setup: {"page": ""},
        lambda setup: "/patient/results/",
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
)
