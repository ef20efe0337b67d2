"""Pages added by the resilience work of issue 9, in the access matrix
(tests/access_matrix.py adds them to ROUTES)."""

from __future__ import annotations

from tests.access_matrix import ADMIN, NO_APPLICATION, Route

RESILIENCE_ROUTES = (
    # POST only: a GET that gets through is refused with 405.
    Route(
        "admin:clinicians_application_resend_email",
        f"/admin/clinicians/application/{NO_APPLICATION}/resend-email/",
        frozenset({ADMIN}),
        None,
        ok_status=405,
    ),
)
