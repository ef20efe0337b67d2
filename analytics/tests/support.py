"""What the analytics tests share: a month of sign-ups, accounts and
appointments written to the source tables as the portal writes them, the
projectors run over their streams until caught up, and the counters read
back."""

from __future__ import annotations

from datetime import datetime

from analytics import repository
from analytics.domain import METRICS
from analytics.handlers import project_appointments, project_patients, project_signups
from medisecure import clinic_time, clock, dynamo
from medisecure.streams import StreamConsumer
from medisecure.tables import APPOINTMENTS, PATIENT_PROVISIONAL, PATIENTS, Table

FIRST_WEEK, LAST_WEEK = "2026-W01", "2026-W53"


def at(day: int, hour: int, month: int = 3) -> str:
    """A stored moment from a clinic-time day of March 2026 and hour."""
    return clock.stamp(datetime(2026, month, day, hour, 0, tzinfo=clinic_time.zone()))


def put(table: Table, values: dict) -> None:
    dynamo.client().put_item(TableName=dynamo.name(table), Item=dynamo.to_item(values))


def signup(email: str, created: str, status: str, **extra) -> None:
    put(PATIENT_PROVISIONAL, {"email": email, "createdAt": created, "status": status, **extra})


def patient(patient_id: str, created: str) -> None:
    put(PATIENTS, {"patientId": patient_id, "createdAt": created, "givenName": "Ann", "familyName": "Lee"})


def appointment(
    appointment_id: str, patient_id: str, *, created: str, start: str, status: str = "booked", **extra
):
    values = {
        "appointmentId": appointment_id,
        "patientId": patient_id,
        "providerId": "doctor-1",
        "createdAt": created,
        "scheduledDateTime": start,
        "scheduledDate": start[:10],
        "status": status,
        "specialty": "Cardiology",
        "visitTypeName": "Check-up",
        "patientName": "Ann Lee",
        **extra,
    }
    put(APPOINTMENTS, values)
    return values


def consumers(name: str = "analytics") -> list[StreamConsumer]:
    return [
        StreamConsumer(PATIENT_PROVISIONAL, project_signups, name=f"{name}-signups"),
        StreamConsumer(PATIENTS, project_patients, name=f"{name}-patients"),
        StreamConsumer(APPOINTMENTS, project_appointments, name=name),
    ]


def project(name: str = "analytics") -> None:
    """Every projector, until it has handled everything its stream holds."""
    for each in consumers(name):
        while each.poll():
            pass


def counters() -> dict[str, dict[str, int]]:
    """Every non-zero counter, by metric."""
    found = {}
    for metric in METRICS:
        cells = {
            cell: count
            for cell, count in repository.counters_between(metric, FIRST_WEEK, LAST_WEEK).items()
            if count
        }
        if cells:
            found[metric] = cells
    return found


def a_month() -> None:
    """Four weeks of March 2026 (W10 to W13): four sign-ups, two accounts,
    four bookings: one kept, one cancelled, one moved a week on and missed,
    one on the day of booking with the patient arrived."""
    signup("s1@example.test", at(2, 9), "pending")
    signup("s1@example.test", at(2, 9), "proven")
    signup("s1@example.test", at(2, 9), "verified", patientId="p1")
    signup("s2@example.test", at(3, 9), "pending")
    signup("s3@example.test", at(10, 9), "pending")
    signup("s3@example.test", at(10, 9), "proven")
    signup("known@example.test", at(10, 9), "pending", existingAccount=True)
    put(PATIENT_PROVISIONAL, {"email": "s2@example.test", "createdAt": "#send-ledger", "sentAt": [1]})
    patient("p1", at(2, 10))
    patient("p2", at(10, 10))

    first = appointment("a1", "p1", created=at(2, 11), start=at(4, 10))
    put(APPOINTMENTS, {**first, "status": "completed"})
    second = appointment("a2", "p1", created=at(5, 11), start=at(9, 14), visitTypeName="Follow-up")
    put(APPOINTMENTS, {**second, "status": "cancelled"})
    third = appointment("a3", "p2", created=at(10, 11), start=at(11, 9), specialty="Dermatology")
    moved = {**third, "scheduledDateTime": at(16, 11), "scheduledDate": at(16, 11)[:10]}
    put(APPOINTMENTS, moved)
    put(APPOINTMENTS, {**moved, "status": "no_show"})
    fourth = appointment("a4", "p2", created=at(12, 8), start=at(12, 16), specialty="Dermatology")
    put(APPOINTMENTS, {**fourth, "status": "arrived"})


A_MONTH = {
    "funnel": {
        "2026-W10#started": 2,
        "2026-W10#code-verified": 1,
        "2026-W10#account-made": 1,
        "2026-W10#first-booked": 1,
        "2026-W11#started": 1,
        "2026-W11#code-verified": 1,
        "2026-W11#account-made": 1,
        "2026-W11#first-booked": 1,
    },
    "appointments": {
        "2026-W10#booked": 1,
        "2026-W10#completed": 1,
        "2026-W11#booked": 2,
        "2026-W11#cancelled": 1,
        "2026-W12#booked": 1,
        "2026-W12#no_show": 1,
    },
    "specialty": {
        "2026-W10#Cardiology#booked": 1,
        "2026-W10#Cardiology#completed": 1,
        "2026-W11#Cardiology#booked": 1,
        "2026-W11#Cardiology#cancelled": 1,
        "2026-W11#Dermatology#booked": 1,
        "2026-W12#Dermatology#booked": 1,
        "2026-W12#Dermatology#no_show": 1,
    },
    "visit-type": {
        "2026-W10#Check-up#booked": 1,
        "2026-W10#Check-up#completed": 1,
        "2026-W11#Follow-up#booked": 1,
        "2026-W11#Follow-up#cancelled": 1,
        "2026-W11#Check-up#booked": 1,
        "2026-W12#Check-up#booked": 1,
        "2026-W12#Check-up#no_show": 1,
    },
    "patients": {"2026-W10#new": 1, "2026-W10#returning": 1, "2026-W11#new": 1, "2026-W11#returning": 1},
    "lead-time": {"2026-W10#1-3": 1, "2026-W10#4-7": 1, "2026-W11#4-7": 1, "2026-W11#0": 1},
    "weekday": {"2026-W10#3": 1, "2026-W12#1": 1, "2026-W11#4": 1},
    "hour": {"2026-W10#10": 1, "2026-W12#11": 1, "2026-W11#16": 1},
}
