"""The admin's overbooking page and the doctors' booking-email setting in
the access matrix (tests/access_matrix.py adds them to ROUTES). Neither shows
PHI when opened, so opening them is not audited; appointments/tests
(test_overbook.py, test_doctor_notices.py) use them."""

from tests.access_matrix import ADMIN, DOCTOR, OTHER_DOCTOR, Route

APPOINTMENT_EXTRA_ROUTES = (
    Route("admin:appointments_overbook", "/admin/appointments/overbook/", frozenset({ADMIN}), None),
    Route("appointments:booking_notices", "/doctor/notifications/", frozenset({DOCTOR, OTHER_DOCTOR}), None),
)
