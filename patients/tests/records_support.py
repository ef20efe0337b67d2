"""Acting as a cast member in service-level tests, without a browser."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import RequestFactory

NOTE = {"subjective": "Cough for a week", "objective": "Clear chest", "assessment": "Viral cough", "plan": "Rest"}
DIAGNOSIS = {"code": "J20.9", "description": "Acute bronchitis", "status": "active", "onset": ""}
ALLERGY = {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate"}
MEDICATION = {"name": "Amoxicillin", "dose": "500 mg", "frequency": "three times a day", "start": "2026-01-05", "stop": ""}


def request_as(person, path: str = "/doctor/patients/"):
    request = RequestFactory().get(path, HTTP_USER_AGENT="tests")
    request.user = SimpleNamespace(username=person.sub, role=person.role.value, is_authenticated=True)
    request.request_id = "test-request"
    return request
