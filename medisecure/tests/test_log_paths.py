"""No id in an address reaches the logs (issue 16 §5): the access log and
Django's "Not Found" warnings name the route instead."""

import logging

import pytest

from medisecure.log_paths import UNROUTED, path_for_log

pytestmark = pytest.mark.django_db


def test_a_path_is_logged_as_its_route():
    assert path_for_log("/doctor/patients/3f2c-patient/entries/20260101T000000000000-0123456789abcdef/") == (
        "/doctor/patients/<str:patient_id>/entries/<str:entry_id>/"
    )
    assert path_for_log("/signup/finish/a-secret/") == "/signup/finish/<str:secret>/"
    assert path_for_log("/") == "/"
    assert path_for_log("/no/such/page/for-3f2c/") == UNROUTED


def test_djangos_not_found_warning_names_the_route_not_the_ids(client, cast, caplog):
    from tests.support import sign_in

    sign_in(client, cast.doctor.email)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/doctor/patients/{cast.other_patient.sub}/")
        client.get("/no/such/page/for-a-patient-0123/")

    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "django.request")
    assert "Not Found" in logged
    assert cast.other_patient.sub not in logged and "0123" not in logged
    assert "(route chart:chart)" in logged and "(route unmatched)" in logged
