"""The patient's statement of who has looked at their record: people named
with how they stand to the patient, a day's repeated views gathered, the
patient's own visits apart, a period to choose, emergency access marked,
refusals read as attempts, and never another patient's events."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from audit import repository as audit_log
from medisecure import clinic_time, clock
from medisecure.identity.actors import NO_REQUEST
from patients.emergency import services as emergency_services
from patients.emergency.domain import EmergencyRequest
from patients.records import selectors as records
from patients.records.domain import ChartNotFound
from patients.tests.records_support import actor
from tests.support import sign_in

pytestmark = pytest.mark.django_db

STATEMENT = "/patient/records/access/"


def _today():
    return clinic_time.in_clinic(clock.now()).date()


def _open_chart(person, patient, times=1):
    for _ in range(times):
        records.chart_get(actor=actor(person), audit=NO_REQUEST, patient_id=patient.sub)


def _grant_emergency_access(cast):
    return emergency_services.emergency_access_grant(
        actor=actor(cast.other_doctor),
        audit=NO_REQUEST,
        wanted=EmergencyRequest(
            given_name="Jordan",
            family_name="Example",
            date_of_birth="1985-04-12",
            identifier="10001",
            reason="Brought in unconscious",
        ),
    )


def _statement(cast, person=None, **period) -> str:
    client = Client()
    sign_in(client, (person or cast.patient).email)
    response = client.get(STATEMENT, period)
    assert response.status_code == 200
    return response.content.decode()


def _section(body: str, heading_id: str) -> str:
    """The text of one of the page's two lists: the staff's, or the patient's own."""
    start = body.index(f'id="{heading_id}"')
    end = body.index("</section>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body[start:end]))


def _lines(body: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", line)).strip()
        for line in re.findall(r'<li class="access-line[^"]*">(.*?)</li>', body, re.S)
    ]


def test_four_chart_views_by_one_doctor_on_one_day_read_as_one_line(cast):
    _open_chart(cast.doctor, cast.patient, times=4)

    staff = _section(_statement(cast), "others-heading")

    day = clinic_time.clinic_date(_today())
    assert f"Dr Casey Sample, your doctor, viewed your chart 4 times on {day}." in staff
    assert staff.count("viewed your chart") == 1


def test_the_patients_own_visits_are_kept_apart_from_the_staffs(client, cast):
    _open_chart(cast.doctor, cast.patient)
    sign_in(client, cast.patient.email)
    client.get("/patient/records/")
    client.get("/patient/records/")

    body = client.get(STATEMENT).content.decode()

    staff, own = _section(body, "others-heading"), _section(body, "own-heading")
    assert "You read your record 2 times" in own and "Dr Casey Sample" not in own
    assert "Dr Casey Sample" in staff and "You " not in staff and "read your record" not in staff


def test_the_period_chosen_bounds_what_is_shown(cast):
    _open_chart(cast.doctor, cast.patient)
    today, yesterday = _today(), _today() - timedelta(days=1)

    def shown(**period):
        return "Dr Casey Sample" in _section(_statement(cast, **period), "others-heading")

    assert shown()
    assert shown(period="30")
    assert shown(since=today.isoformat())
    assert shown(until=today.isoformat())
    assert not shown(until=yesterday.isoformat())
    assert not shown(since=(yesterday - timedelta(days=5)).isoformat(), until=yesterday.isoformat())


@pytest.mark.parametrize(
    ("period", "field", "message"),
    [
        ({"since": "2025-11-10", "until": "2025-11-01"}, "until", "before its start"),
        ({"since": "2199-01-01"}, "since", "up to today"),
        ({"since": "last tuesday"}, "since", "year-month-day"),
        ({"period": "7"}, "period", "Choose one of the periods listed."),
    ],
)
def test_a_period_that_cannot_be_is_a_field_error_and_reads_nothing(cast, period, field, message):
    _open_chart(cast.doctor, cast.patient)
    client = Client()
    sign_in(client, cast.patient.email)

    body = client.get(STATEMENT, period).content.decode()

    assert re.search(rf'id="id_{field}(_0)?_error"[^>]*>.*?{re.escape(message)}', body, re.S)
    assert "Dr Casey Sample" not in body
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert "record.access_log.read" not in {event.action for event in events}


def test_emergency_access_stands_out_with_who_when_and_that_a_reason_was_given(cast):
    _open_chart(cast.doctor, cast.patient)
    _grant_emergency_access(cast)
    _open_chart(cast.other_doctor, cast.patient, times=2)

    body = _statement(cast)

    emergencies = re.findall(r'<li class="access-line access-emergency">(.*?)</li>', body, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", line)).strip() for line in emergencies]
    assert len(text) == 2
    day = clinic_time.clinic_date(_today())
    viewed, took = text
    assert viewed.startswith("Emergency access: Dr ") and "a doctor outside your care team" in viewed
    assert f"viewed your chart 2 times on {day}" in viewed
    assert f"took emergency access to your chart on {day}" in took
    assert "They stated a reason for it" in took and "Brought in unconscious" not in body
    # The care team's own view is an ordinary line.
    assert any(line.startswith("Dr Casey Sample, your doctor, viewed your chart on") for line in _lines(body))
    assert "This page includes emergency access to your chart." in body


def test_a_refused_attempt_reads_as_one_and_only_on_that_patients_statement(cast):
    _open_chart(cast.doctor, cast.patient)
    with pytest.raises(ChartNotFound):
        _open_chart(cast.doctor, cast.other_patient)

    theirs = _section(_statement(cast, cast.other_patient), "others-heading")
    mine = _section(_statement(cast), "others-heading")

    assert "Dr Casey Sample, a doctor outside your care team, tried to open your chart" in theirs
    assert "and was refused." in theirs and "viewed your chart" not in theirs
    assert "refused" not in mine and "tried to" not in mine


def test_another_patients_accesses_are_never_shown(cast):
    _open_chart(cast.doctor, cast.patient, times=3)
    _grant_emergency_access(cast)

    body = _statement(cast, cast.other_patient)

    assert "Dr " not in _section(body, "others-heading") and "access-emergency" not in body
    assert "No one at the clinic has looked at your record in this period." in body


def test_the_statement_costs_three_round_trips_whatever_it_names(client, cast, dynamodb_calls):
    _open_chart(cast.doctor, cast.patient, times=4)
    _grant_emergency_access(cast)
    _open_chart(cast.other_doctor, cast.patient)
    sign_in(client, cast.patient.email)
    client.get("/patient/records/")
    dynamodb_calls.clear()

    response = client.get(STATEMENT, {"period": "90"})

    assert response.status_code == 200 and "took emergency access" in response.content.decode()
    # the events from the trail's patient index; the doctors, their care-team
    # links and the grant's record in one batch; the audit append
    assert dynamodb_calls == {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
