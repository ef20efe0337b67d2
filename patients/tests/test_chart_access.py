"""Who may open a chart: patients.chart_access, the one place it is decided."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from audit import repository as audit_log
from audit.services import Actor
from patients.chart_access import CARE_TEAM, chart_patient_for_clinician

pytestmark = pytest.mark.django_db


def _request():
    return RequestFactory().get("/doctor/patients/x/")


def _actor(person) -> Actor:
    return Actor(user_id=person.sub, role=person.role.value)


def test_it_opens_the_chart_for_a_doctor_in_the_care_team(cast):
    access = chart_patient_for_clinician(actor=_actor(cast.doctor), patient_id=cast.patient.sub, request=_request())

    assert access.patient.patient_id == cast.patient.sub
    assert access.via == CARE_TEAM and access.grant is None


@pytest.mark.parametrize("who", ["other_doctor", "other_patient", "patient", "marketer", "admin"])
def test_it_refuses_anyone_else_with_an_audited_404(cast, who):
    person = getattr(cast, who)

    with pytest.raises(Http404):
        chart_patient_for_clinician(actor=_actor(person), patient_id=cast.patient.sub, request=_request())

    events, _ = audit_log.list_by("userId", person.sub)
    assert [(e.action, e.outcome, e.patient_id) for e in events if e.action == "chart.access"] == [
        ("chart.access", "denied", cast.patient.sub)
    ]


def test_it_refuses_a_patient_id_that_names_no_one(cast):
    with pytest.raises(Http404):
        chart_patient_for_clinician(actor=_actor(cast.doctor), patient_id="no-such-patient", request=_request())


def test_it_refuses_an_entry_of_another_patient(cast):
    with pytest.raises(Http404):
        chart_patient_for_clinician(
            actor=_actor(cast.doctor), patient_id=cast.patient.sub, request=_request(),
            entry_id="20260101T000000000000-0123456789abcdef",
        )
