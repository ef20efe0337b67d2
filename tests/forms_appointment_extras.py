"""The admin's overbooking form in the hostile-input registry
(tests/form_registry.py adds it to TARGETS). Its baseline overbooks a time
another patient already holds."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

from appointments.domain import new_booking_id
from appointments.forms import OverbookForm
from tests.access_matrix import ADMIN
from tests.forms_appointments import _book_one
from tests.form_registry import FormTarget, Setup


def _overbooking(setup: Setup) -> dict:
    taken = setup.made["appointment"].start.astimezone(ZoneInfo(settings.CLINIC_TIME_ZONE))
    return {
        "doctor_email": setup.cast.doctor.email, "patient_email": setup.cast.other_patient.email,
        "day": taken.date().isoformat(), "start": taken.strftime("%H:%M"), "visit_reason": "Results to discuss",
        "overbook_reason": "Seen before surgery", "appointment_id": new_booking_id(),
    }


APPOINTMENT_EXTRA_TARGETS = (
    FormTarget(
        "admin:appointments_overbook", ADMIN, OverbookForm, _overbooking, lambda setup: "/admin/appointments/overbook/",
        prepare=_book_one,
    ),
)
