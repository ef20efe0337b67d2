"""The admin's overbooking page in the access matrix (tests/access_matrix.py
adds it to ROUTES). It shows no PHI until it is used, so opening it is not
audited; appointments/tests/test_overbook.py uses it."""

from tests.access_matrix import ADMIN, Route

APPOINTMENT_EXTRA_ROUTES = (
    Route("admin:appointments_overbook", "/admin/appointments/overbook/", frozenset({ADMIN}), None),
)
