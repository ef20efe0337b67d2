"""The patient's statement of who has looked at their record."""

import pytest

from patients.records import selectors as records
from patients.tests.records_support import actor
from tests.support import sign_in
from medisecure.identity.actors import NO_REQUEST

pytestmark = pytest.mark.django_db


def test_smoke(client, cast):
    for _ in range(4):
        records.chart_get(actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub)
    sign_in(client, cast.patient.email)
    client.get("/patient/records/")
    body = client.get("/patient/records/access/").content.decode()
    open("/tmp/as/page.html", "w").write(body)
