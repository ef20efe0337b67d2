"""Vitals over time: each measurement charted as server-drawn SVG (one
point per reading, oldest on the left), with a table of the readings
beside it, the last value, its date and the change since the previous
one; BMI worked out from weight and height; temperatures in the clinic's
unit whichever unit they were entered in."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from patients.records.vitals import body_mass_index, in_unit
from tests.support import sign_in

pytestmark = pytest.mark.django_db

BLANK = {
    "systolic": "",
    "diastolic": "",
    "heart_rate": "",
    "respiratory_rate": "",
    "oxygen_saturation": "",
    "temperature": "",
    "temperature_unit": "C",
    "weight": "",
    "weight_unit": "kg",
    "height": "",
    "height_unit": "cm",
}


@pytest.fixture
def doctor_client(cast):
    client = Client()
    sign_in(client, cast.doctor.email)
    return client


def _reading(client, cast, **values):
    response = client.post(f"/doctor/patients/{cast.patient.sub}/add/vitals/", {**BLANK, **values})
    assert response.status_code == 302, response.content.decode()[:2000]


def _figure(page: str, key: str) -> str:
    match = re.search(
        rf'<figure class="trend" aria-labelledby="trend-{key}-caption">(.*?)</figure>', page, re.S
    )
    assert match, key
    return match.group(1)


def _points(figure: str) -> list[tuple[float, str]]:
    return [
        (float(x), shown)
        for x, shown in re.findall(
            r'<circle class="trend-point" cx="([0-9.]+)" cy="[0-9.]+" r="3.5"><title>[^:]*: ([^<]*)</title>',
            figure,
        )
    ]


def test_body_mass_index_is_worked_out_from_weight_and_height():
    assert body_mass_index(Decimal(70), "kg", Decimal(175), "cm") == Decimal("22.9")
    assert body_mass_index(Decimal(154), "lb", Decimal("68.9"), "in") == Decimal("22.8")
    assert in_unit(Decimal("36.8"), "C", "F").quantize(Decimal("0.1")) == Decimal("98.2")


def test_each_reading_is_one_point_in_time_order_with_a_table_beside_it(doctor_client, cast):
    for rate, pressure in (("88", ("142", "92")), ("72", ("134", "86")), ("80", ("128", "84"))):
        _reading(doctor_client, cast, heart_rate=rate, systolic=pressure[0], diastolic=pressure[1])

    page = doctor_client.get(f"/doctor/patients/{cast.patient.sub}/").content.decode()

    heart = _figure(page, "heart_rate")
    points = _points(heart)
    assert [shown for _, shown in points] == [
        "88 beats per minute",
        "72 beats per minute",
        "80 beats per minute",
    ]
    assert [x for x, _ in points] == sorted(x for x, _ in points) and len({x for x, _ in points}) == 3
    assert heart.count("<tr><td>") == 3
    assert (
        'last <span class="nowrap">80 beats per minute</span>' in heart
        and "+8</span> since the previous" in heart
    )
    pressure = _figure(page, "blood_pressure")
    assert [shown for _, shown in _points(pressure)] == ["142/92 mmHg", "134/86 mmHg", "128/84 mmHg"]
    assert "-6/-2</span> since the previous" in pressure
    assert "<script" not in heart and "<script" not in pressure  # drawn by the server, nothing to run


def test_one_reading_is_a_point_and_no_broken_line(doctor_client, cast):
    _reading(doctor_client, cast, heart_rate="72")

    page = doctor_client.get(f"/doctor/patients/{cast.patient.sub}/").content.decode()

    heart = _figure(page, "heart_rate")
    assert len(_points(heart)) == 1
    assert "<polyline" not in heart and "since the previous" not in heart
    assert not re.search(r"nan|inf", heart, re.I)
    assert "blood_pressure" not in page  # no reading of it: no chart of it


def test_temperatures_follow_the_clinics_unit_whichever_was_entered(doctor_client, cast, settings):
    settings.CLINIC_TEMPERATURE_UNIT = "F"
    _reading(doctor_client, cast, temperature="36.8", temperature_unit="C")
    _reading(doctor_client, cast, temperature="99.5", temperature_unit="F")

    page = doctor_client.get(f"/doctor/patients/{cast.patient.sub}/").content.decode()

    temperature = _figure(page, "temperature")
    assert [shown for _, shown in _points(temperature)] == ["98.2 °F", "99.5 °F"]
    assert '<option value="F" selected>' in page  # the form offers the clinic's unit first


def test_bmi_is_charted_from_weight_and_the_latest_height_and_the_patient_sees_the_trends(
    doctor_client, cast
):
    _reading(doctor_client, cast, weight="70", height="175")
    _reading(doctor_client, cast, weight="72")
    patient = Client()
    sign_in(patient, cast.patient.email)

    page = patient.get("/patient/records/").content.decode()

    bmi = _figure(page, "bmi")
    assert [shown for _, shown in _points(bmi)] == ["22.9 kg/m²", "23.5 kg/m²"]
    assert [shown for _, shown in _points(_figure(page, "weight"))] == ["70 kg", "72 kg"]
