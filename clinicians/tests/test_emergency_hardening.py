"""Emergency access that cannot be used to search or to browse (issue 16
§2): lookups and grants limited per doctor under parallel guessing, the
admins told once, every miss audited with a hash and listed for review, a
third identifier that picks the real patient out of look-alikes, grants that
read only unless a second reason is given, the patient told, and a recorded
review with overdue grants first."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST, Actor
from patients import repository as patients_repository
from patients.domain import Patient
from patients.emergency import services as emergency
from patients.emergency.domain import ChartReadOnly, EmergencyRateLimited, EmergencyRequest, ReviewForbidden
from patients.records import repository as records_repository
from patients.records import services as records_services
from patients.tests.records_support import ALLERGY
from tests.support import FakeClock, in_parallel, mail_to, sign_in

pytestmark = pytest.mark.django_db

JORDAN = {
    "given_name": "Jordan",
    "family_name": "Example",
    "date_of_birth": "1985-04-12",
    "identifier": "0147",
    "reason": "Unconscious in A&E",
}
EMERGENCY_PAGE = "/doctor/patients/emergency/"


@pytest.fixture
def clock(monkeypatch):
    # Inside one hour's window, so the fixed window cannot reset mid-test.
    fake = FakeClock(datetime.now(UTC).replace(minute=5, second=0, microsecond=0))
    monkeypatch.setattr("medisecure.clock.now", fake.now)
    return fake


@pytest.fixture
def other_doctor_client(client, cast):
    sign_in(client, cast.other_doctor.email)
    return client


def _doctor(cast) -> Actor:
    return Actor(user_id=cast.other_doctor.sub, role="doctor", display_name="Dr Drew Elsewhere")


def _wanted(**overrides) -> EmergencyRequest:
    return EmergencyRequest(**{**JORDAN, **overrides})


def test_eight_parallel_guessers_get_at_most_the_limit_answered_and_the_admins_are_told_once(
    cast, clock, settings, local_stack
):
    settings.EMERGENCY_ACCESS_NOTIFY = ["admin@medisecure.test"]
    guesses = iter(f"19{year:02d}-01-01" for year in range(50, 99))

    outcomes = in_parallel(
        lambda: emergency.emergency_access_grant(
            actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted(date_of_birth=next(guesses))
        ),
        count=8,
    )

    limited = [outcome for outcome in outcomes if isinstance(outcome, EmergencyRateLimited)]
    answered = [outcome for outcome in outcomes if not isinstance(outcome, EmergencyRateLimited)]
    assert len(answered) <= settings.RATE_LIMITS["emergency_lookup"]["attempts"] == 5
    assert len(limited) >= 3
    assert all(isinstance(outcome, emergency.NoSinglePatient) for outcome in answered)
    notices = [m for m in mail_to(local_stack, "admin@medisecure.test") if "over the limit" in m["subject"]]
    assert len(notices) == 1
    # Even the right answer is refused now: the limit is the doctor's.
    with pytest.raises(EmergencyRateLimited):
        emergency.emergency_access_grant(actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted())


def test_over_the_limit_the_form_says_so_with_a_429(other_doctor_client, cast, clock, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "emergency_lookup": {"attempts": 2, "window_seconds": 3600},
    }
    for _ in range(2):
        assert other_doctor_client.post(EMERGENCY_PAGE, {**JORDAN, "identifier": "9999"}).status_code == 200

    refused = other_doctor_client.post(EMERGENCY_PAGE, JORDAN)

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "as many emergency access attempts as an hour allows" in refused.content.decode()
    assert other_doctor_client.get(f"/doctor/patients/{cast.patient.sub}/").status_code == 404


def test_grants_have_their_own_hourly_limit(cast, clock, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "emergency_grant": {"attempts": 1, "window_seconds": 3600},
    }
    emergency.emergency_access_grant(actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted())

    with pytest.raises(EmergencyRateLimited):
        emergency.emergency_access_grant(actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted())


def test_every_miss_is_audited_with_a_hash_of_what_was_tried_and_listed_for_the_admins(
    other_doctor_client, cast, clock
):
    other_doctor_client.post(EMERGENCY_PAGE, {**JORDAN, "date_of_birth": "1985-04-13"})
    other_doctor_client.post(EMERGENCY_PAGE, {**JORDAN, "date_of_birth": "1985-04-13"})

    events, _ = audit_log.list_by("action", "emergency.lookup")
    assert [(e.user_id, e.outcome, e.detail["reason"]) for e in events] == [
        (cast.other_doctor.sub, "denied", "no_match")
    ] * 2
    tried = {e.detail["tried"] for e in events}
    # What was tried is kept only as a hash: no field of an event holds it
    # (a hash's hex digits may happen to spell 1985, so whole values are compared).
    stored = {str(value) for event in events for value in [*vars(event).values(), *event.detail.values()]}
    assert len(tried) == 1
    assert not any("Jordan" in value or "1985-04-13" in value for value in stored)

    admin = Client()
    sign_in(admin, cast.admin.email)
    page = admin.get("/admin/patients/emergency-access/").content.decode()
    assert "Lookups that found no one" in page and tried.pop() in page and "Dr Drew Elsewhere" in page


def test_a_patient_with_the_same_name_and_birth_date_cannot_block_the_real_one(cast, clock):
    patients_repository.add(
        Patient(
            patient_id="look-alike-0001",
            email="look.alike@example.org",
            given_name="Jordan",
            family_name="Example",
            date_of_birth="1985-04-12",
            phone="+12125550999",
            postal_code="90210",
        )
    )

    by_phone = emergency.emergency_access_grant(actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted())
    assert by_phone.patient_id == cast.patient.sub

    doctor = Actor(user_id=cast.doctor.sub, role="doctor")  # another doctor, by postcode
    with pytest.raises(emergency.AlreadyInCareTeam) as in_team:
        emergency.emergency_access_grant(actor=doctor, audit=NO_REQUEST, wanted=_wanted(identifier="10001"))
    assert in_team.value.patient_id == cast.patient.sub
    with pytest.raises(emergency.NoSinglePatient):
        emergency.emergency_access_grant(
            actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted(identifier="1234")
        )


def test_a_grant_reads_only_a_write_needs_a_second_reason_and_is_marked(other_doctor_client, cast, clock):
    assert other_doctor_client.post(EMERGENCY_PAGE, JORDAN).status_code == 302
    chart = f"/doctor/patients/{cast.patient.sub}/"
    page = other_doctor_client.get(chart).content.decode()
    assert "Why must you write to this chart under emergency access?" in page

    refused = other_doctor_client.post(f"{chart}add/allergy/", ALLERGY)

    assert refused.status_code == 403
    assert "Emergency access lets you read this chart" in refused.content.decode()
    assert records_repository.history_page(cast.patient.sub)[0] == []
    with pytest.raises(ChartReadOnly):
        records_services.chart_entry_add(
            actor=_doctor(cast), audit=NO_REQUEST, patient_id=cast.patient.sub, kind="allergy", values=ALLERGY
        )

    written = other_doctor_client.post(
        f"{chart}add/allergy/", {**ALLERGY, "emergency_reason": "Needed before surgery now"}
    )

    assert written.status_code == 302
    [entry] = records_repository.history_page(cast.patient.sub)[0]
    assert entry.under_emergency and entry.emergency_reason == "Needed before surgery now"
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    adds = [
        (e.outcome, e.detail.get("under_emergency"), e.detail.get("reason"))
        for e in events
        if e.action == "chart.entry.add"
    ]
    assert sorted(adds, key=str) == sorted(
        [("denied", None, "emergency_read_only")] * 2 + [("allowed", True, None)], key=str
    )
    entry_page = other_doctor_client.get(f"{chart}entries/{entry.entry_id}/").content.decode()
    assert "Written under emergency access" in entry_page


def test_a_care_team_doctor_writes_without_a_second_reason(cast, clock):
    entry = records_services.chart_entry_add(
        actor=Actor(user_id=cast.doctor.sub, role="doctor"),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )
    assert not entry.under_emergency


def test_the_patient_is_told_and_sees_it_on_their_access_page(other_doctor_client, cast, clock, local_stack):
    other_doctor_client.post(EMERGENCY_PAGE, JORDAN)

    [notice] = mail_to(local_stack, cast.patient.email)
    assert "emergency access" in notice["subject"]
    assert "Dr Drew Elsewhere" in notice["body"] and "Unconscious in A&amp;E" in notice["body"]
    patient = Client()
    sign_in(patient, cast.patient.email)
    access = patient.get("/patient/records/access/").content.decode()
    assert "took emergency access to your chart" in access and "Dr Drew Elsewhere" in access
    assert "Emergency access:" in access


def test_an_admin_records_a_review_and_overdue_grants_come_first_and_are_counted(
    other_doctor_client, cast, clock
):
    other_doctor_client.post(EMERGENCY_PAGE, JORDAN)
    admin = Client()
    sign_in(admin, cast.admin.email)
    page = admin.get("/admin/patients/emergency-access/").content.decode()
    assert "Waiting for review for more than 72 hours (0)" in page
    assert "waiting for review" not in admin.get("/admin/").content.decode()

    clock.advance(hours=73)
    page = admin.get("/admin/patients/emergency-access/").content.decode()
    assert "Waiting for review for more than 72 hours (1)" in page
    assert "Emergency access (1 waiting for review over 72 hours)" in admin.get("/admin/").content.decode()

    [grant] = [e for e in audit_log.list_by("action", "emergency.grant")[0] if e.outcome == "allowed"]
    reviewed = admin.post(
        "/admin/patients/emergency-access/review/",
        {
            "patient_id": cast.patient.sub,
            "granted_at": grant.resource_id,
            "provider_id": cast.other_doctor.sub,
            "outcome": "appropriate",
            "note": "Confirmed with A&E",
        },
    )

    assert reviewed.status_code == 302
    page = admin.get("/admin/patients/emergency-access/").content.decode()
    assert "Waiting for review for more than 72 hours (0)" in page
    assert "Appropriate" in page and "Confirmed with A&amp;E" in page
    assert "waiting for review" not in admin.get("/admin/").content.decode()
    again = admin.post(
        "/admin/patients/emergency-access/review/",
        {
            "patient_id": cast.patient.sub,
            "granted_at": grant.resource_id,
            "provider_id": cast.other_doctor.sub,
            "outcome": "inappropriate",
        },
        follow=True,
    )
    assert "Another administrator recorded a review" in again.content.decode()
    events, _ = audit_log.list_by("action", "emergency.review.record")
    assert [(e.user_id, e.detail["outcome"]) for e in events] == [(cast.admin.sub, "appropriate")]


def test_only_admins_record_reviews_even_past_the_views_guard(cast, clock):
    grant = emergency.emergency_access_grant(actor=_doctor(cast), audit=NO_REQUEST, wanted=_wanted())
    for role, person in (("doctor", cast.doctor), ("patient", cast.patient), ("marketer", cast.marketer)):
        with pytest.raises(ReviewForbidden):
            emergency.emergency_grant_review(
                actor=Actor(user_id=person.sub, role=role),
                audit=NO_REQUEST,
                patient_id=grant.patient_id,
                granted_at=grant.granted_at,
                provider_id=grant.provider_id,
                outcome="appropriate",
                note="",
            )
