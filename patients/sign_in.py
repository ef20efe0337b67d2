"""A patient's stored preferred language, put in their session when they
sign in (medisecure.languages), so every page after reads it from there."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from medisecure import languages
from medisecure.identity.roles import Role
from patients import selectors


@receiver(user_logged_in, dispatch_uid="patients.preferred_language")
def remember_preferred_language(sender, request, user, **kwargs) -> None:
    if request is None or getattr(user, "role", "") != Role.PATIENT:
        return
    patient = selectors.patient_get(patient_id=user.username)
    languages.remember(request.session, patient.preferred_language if patient else "")
