"""Who may open a chart: patients.records.selectors.chart_get_for, the one
place it is decided."""

import pytest

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST, Actor
from patients.records.domain import CARE_TEAM, ChartForbidden, ChartNotFound
from patients.records.selectors import chart_get_for

pytestmark = pytest.mark.django_db


def _actor(person) -> Actor:
    return Actor(user_id=person.sub, role=person.role.value)


def test_it_opens_the_chart_for_a_doctor_in_the_care_team(cast):
    access = chart_get_for(actor=_actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub)

    assert access.patient.patient_id == cast.patient.sub
    assert access.via == CARE_TEAM and access.grant is None


# A doctor with no relationship to the patient is told the chart is not
# there (404); anyone but a doctor is refused for their role (403).
@pytest.mark.parametrize(
    "who, refusal",
    [
        ("other_doctor", ChartNotFound),
        ("other_patient", ChartForbidden),
        ("patient", ChartForbidden),
        ("marketer", ChartForbidden),
        ("admin", ChartForbidden),
    ],
)
def test_it_refuses_anyone_else_with_an_audited_refusal(cast, who, refusal):
    person = getattr(cast, who)

    with pytest.raises(refusal) as refused:
        chart_get_for(actor=_actor(person), audit=NO_REQUEST, patient_id=cast.patient.sub)

    assert refused.value.audited
    events, _ = audit_log.list_by("userId", person.sub)
    assert [(e.action, e.outcome, e.patient_id) for e in events if e.action == "chart.access"] == [
        ("chart.access", "denied", cast.patient.sub)
    ]


def test_it_refuses_a_patient_id_that_names_no_one(cast):
    with pytest.raises(ChartNotFound):
        chart_get_for(actor=_actor(cast.doctor), audit=NO_REQUEST, patient_id="no-such-patient")


def test_it_refuses_an_entry_of_another_patient(cast):
    with pytest.raises(ChartNotFound):
        chart_get_for(
            actor=_actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            entry_id="20260101T000000000000-0123456789abcdef",
        )
