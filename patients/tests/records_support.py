"""Acting as a cast member in service-level tests, without a browser, and
the entries the tests write."""

from __future__ import annotations

from medisecure.identity.actors import Actor

NOTE = {
    "subjective": "Cough for a week",
    "objective": "Clear chest",
    "assessment": "Viral cough",
    "plan": "Rest",
}
DIAGNOSIS = {"code": "J20.9", "description": "Acute bronchitis", "status": "active", "onset": ""}
ALLERGY = {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate"}
MEDICATION = {
    "name": "Amoxicillin",
    "dose": "500 mg",
    "frequency": "three times a day",
    "start": "2026-01-05",
    "stop": "",
}


def actor(person) -> Actor:
    """The cast member as services are told who acts."""
    return Actor(user_id=person.sub, role=person.role.value)
