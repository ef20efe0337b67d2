"""Lab results and immunizations as FHIR R4 resources (fhir.resources' R4B
models, as patients.exports.formats): a result is an Observation with its
reference range and its interpretation (the flag the service computed),
derived from its attached report where the bundle holds it; an
immunization is an Immunization coded in CVX. Pure transformations."""

from __future__ import annotations

from decimal import Decimal

from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.observation import Observation

from patients.documents.domain import document_key_of
from patients.records.domain import Entry
from patients.records.results import CRITICAL, HIGH, LOW, NORMAL, SITE_LABELS, number_or_none

LOINC = "http://loinc.org"
CVX = "http://hl7.org/fhir/sid/cvx"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_SITE = "http://terminology.hl7.org/CodeSystem/v3-ActSite"
# Our flag -> the interpretation's code and display (critical: by its side).
INTERPRETATIONS = {
    LOW: ("L", "Low"),
    NORMAL: ("N", "Normal"),
    HIGH: ("H", "High"),
    "critical_low": ("LL", "Critical low"),
    "critical_high": ("HH", "Critical high"),
}
# Our immunization sites -> HL7 v3 ActSite (the sites it has a code for).
SITES = {"left_arm": "LA", "right_arm": "RA", "left_thigh": "LT", "right_thigh": "RT"}


def _quantity(value: str, unit: str) -> dict:
    number = number_or_none(value)
    quantity: dict = {"value": number if number is not None else Decimal(0)}
    if unit:
        quantity["unit"] = unit
    return quantity


def _interpretation(values: dict) -> list[dict] | None:
    flag = values.get("flag", "")
    if flag == CRITICAL:
        value, low = number_or_none(values.get("value", "")), number_or_none(values.get("critical_low", ""))
        flag = "critical_low" if value is not None and low is not None and value < low else "critical_high"
    if flag not in INTERPRETATIONS:
        return None
    code, display = INTERPRETATIONS[flag]
    return [{"coding": [{"system": INTERPRETATION, "code": code, "display": display}], "text": display}]


def _reference_range(values: dict) -> list[dict] | None:
    unit = values.get("unit", "")
    bounds = {
        side: _quantity(values[name], unit)
        for side, name in (("low", "range_low"), ("high", "range_high"))
        if values.get(name)
    }
    return [bounds] if bounds else None


def result_observation(
    entry: Entry, subject: dict, *, documents: dict[str, str], resource_id: str
) -> Observation:
    """`documents`: the bundle's DocumentReference ids by document key, so
    an attached report is referenced inside the bundle."""
    values = entry.values
    name = values.get("test_name", "")
    fields: dict = {
        "id": resource_id,
        "status": "amended" if entry.amended else "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "laboratory", "display": "Laboratory"}]}],
        "code": {
            "coding": [{"system": LOINC, "code": values.get("loinc", ""), "display": name}],
            "text": name,
        },
        "subject": subject,
        "valueQuantity": _quantity(values.get("value", ""), values.get("unit", "")),
        "interpretation": _interpretation(values),
        "referenceRange": _reference_range(values),
    }
    if values.get("collected"):
        fields["effectiveDateTime"] = values["collected"]
    report_key = (
        document_key_of(values.get("report_reference", "")) if values.get("report_reference") else None
    )
    if report_key and report_key in documents:
        fields["derivedFrom"] = [{"reference": f"urn:uuid:{documents[report_key]}"}]
    return Observation(**fields)


def immunization(entry: Entry, subject: dict, *, resource_id: str, recorded: str) -> Immunization:
    values = entry.values
    vaccine = values.get("vaccine", "")
    site = values.get("site", "")
    fields: dict = {
        "id": resource_id,
        "status": "completed",
        "vaccineCode": {
            "coding": [{"system": CVX, "code": values.get("cvx", ""), "display": vaccine}],
            "text": vaccine,
        },
        "patient": subject,
        "occurrenceDateTime": values.get("given", ""),
        "recorded": recorded,
        "primarySource": True,
        "lotNumber": values.get("lot") or None,
    }
    if site:
        coding = [{"system": ACT_SITE, "code": SITES[site]}] if site in SITES else None
        fields["site"] = {"coding": coding, "text": str(SITE_LABELS.get(site, site))}
    if entry.recorded_by_name:
        fields["performer"] = [{"actor": {"display": entry.recorded_by_name}}]
    return Immunization(**fields)
