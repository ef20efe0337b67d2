"""What the audit trail's pages need beyond the trail: the people behind the
emails an admin searches by. The trail names people by id; finding the id
is the patients' and the portal's users' business, asked through their
faces, so audit itself knows no room."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from audit.domain import SearchFilters, timestamp_bound
from medisecure import clinic_time
from medisecure.errors import NotFound
from patients.selectors import patient_get_by_email


class UnknownPerson(NotFound):
    """An email that names nobody the portal knows (404 where it cannot be
    shown as a form error: a query that cannot run exports nothing)."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def audit_search_filters(
    *,
    user: str = "",
    patient: str = "",
    action: str = "",
    outcome: str = "",
    since: date | None = None,
    until: date | None = None,
) -> SearchFilters:
    """SearchFilters from the admin's form: emails become the ids events
    carry (an id is taken as it is), the clinic's days become the stored
    timestamps that bound them. Raises UnknownPerson naming the field whose email is nobody's."""
    return SearchFilters(
        user_id=_user_id(user),
        patient_id=_patient_id(patient),
        action=action,
        outcome=outcome,
        since=timestamp_bound(since, end=False, zone=clinic_time.zone()) if since else "",
        until=timestamp_bound(until, end=True, zone=clinic_time.zone()) if until else "",
    )


def _user_id(value: str) -> str:
    if "@" not in value:
        return value
    # Anyone who has signed in, whatever their role: the portal's mirror of
    # its Cognito users knows them all.
    sub = get_user_model().objects.filter(email__iexact=value).values_list("username", flat=True).first()
    if sub is None:
        raise UnknownPerson("user")
    return sub


def _patient_id(value: str) -> str:
    if "@" not in value:
        return value
    patient = patient_get_by_email(email=value.lower())
    if patient is None:
        raise UnknownPerson("patient")
    return patient.patient_id
