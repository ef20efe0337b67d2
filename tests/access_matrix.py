"""Every page of the portal and who may open it. Each new view joins this
list; test_access_matrix fails for a named route that is missing."""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
PATIENT = "patient"
OTHER_PATIENT = "other_patient"
DOCTOR = "doctor"
OTHER_DOCTOR = "other_doctor"
ADMIN = "admin"
MARKETER = "marketer"
FRONTDESK = "frontdesk"
ACTORS = (ANONYMOUS, PATIENT, OTHER_PATIENT, DOCTOR, OTHER_DOCTOR, ADMIN, MARKETER, FRONTDESK)
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
EVERYONE = frozenset(ACTORS)
NO_APPLICATION = "CA-0000-0000-0000-0000"


NOT_FOUND = {"audit_action": "access.not_found", "audit_outcome": "denied", "ok_status": 404}

SELF = "self"  # the audit event names the acting patient as the patient


@dataclass(frozen=True)
class Route:
    """A page, who may open it, and the one audit event an allowed request
    writes (`audit_action`; None when the page writes none). A page that
    touches PHI must name its audit action. A 404 for a signed-in person is
    an `access.not_found` event (NOT_FOUND) unless the page audits its own."""

    name: str  # the URL name, to prove every route is covered
    path: str  # may name a cast member's id: "{patient}", "{other_patient}"
    allowed: frozenset
    audit_action: str | None
    ok_status: int = 200
    touches_phi: bool = False
    # SELF, a cast member ("patient"), or "" when the event names no patient
    audit_patient: str = ""
    audit_outcome: str = "allowed"  # "denied" where the allowed page is a 404
    # Let through by their role but with no relationship to the record: 404.
    not_found: frozenset = frozenset()

    def __post_init__(self):
        if self.touches_phi and not self.audit_action:
            raise ValueError(f"{self.name} touches PHI but names no audit action")

    def url(self, cast) -> str:
        return self.path.format(patient=cast.patient.sub, other_patient=cast.other_patient.sub)

    def audited_patient(self, person, cast) -> str:
        if self.audit_patient == SELF:
            return person.sub
        return getattr(cast, self.audit_patient).sub if self.audit_patient else ""


ROUTES = (
    Route("landing", "/", EVERYONE, None),
    Route("healthz", "/healthz", EVERYONE, None),
    Route("signed_out", "/signed-out/", EVERYONE, None),
    Route("signed_out_reason", "/signed-out/expired/", EVERYONE, None),
    Route("home", "/home/", SIGNED_IN, None, ok_status=302),
    Route("mfa_setup", "/account/mfa/", SIGNED_IN, None),
    Route("account", "/account/", SIGNED_IN, None),
    Route("recovery:forgot_password", "/account/forgot-password/", EVERYONE, None),
    # Without an address asked for in this browser, back to the first page.
    Route("recovery:reset_password", "/account/forgot-password/code/", EVERYONE, None, ok_status=302),
    Route("recovery:password_reset_done", "/account/forgot-password/done/", EVERYONE, None),
    Route("recovery:change_password", "/account/password/", SIGNED_IN, None),
    Route("recovery:password_changed", "/account/password/changed/", SIGNED_IN, None),
    Route("email_change:change_email", "/account/email/", SIGNED_IN, None),
    # Without a change asked for in this session, back to the first page.
    Route("email_change:verify_email", "/account/email/code/", SIGNED_IN, None, ok_status=302),
    Route("email_change:email_changed", "/account/email/changed/", SIGNED_IN, None),
    Route(
        "patients:home",
        "/patient/",
        frozenset({PATIENT, OTHER_PATIENT}),
        "patient.home.read",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route(
        "patients:profile",
        "/patient/profile/",
        frozenset({PATIENT, OTHER_PATIENT}),
        "patient.profile.read",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route("signup:start", "/signup/", EVERYONE, None),
    # With no sign-up in progress in the session, these send the browser to /signup/.
    Route("signup:verify", "/signup/verify/", EVERYONE, None, ok_status=302),
    Route("signup:complete", "/signup/complete/", EVERYONE, None, ok_status=302),
    Route("signup:password", "/signup/password/", EVERYONE, None, ok_status=302),
    # A finish link that names no sign-up sends the browser to /signup/.
    Route("signup:finish", "/signup/finish/no-such-secret/", EVERYONE, None, ok_status=302),
    Route(
        "appointments:doctor_home",
        "/doctor/",
        frozenset({DOCTOR, OTHER_DOCTOR}),
        "appointment.schedule",
        touches_phi=True,
    ),
    Route(
        "appointments:doctor_home",
        "/doctor/?view=week&start=2026-03-02",
        frozenset({DOCTOR, OTHER_DOCTOR}),
        "appointment.schedule",
        touches_phi=True,
    ),
    Route(
        "clinic_directory",
        "/marketing/directory/?specialty=Family+medicine",
        frozenset({MARKETER, ADMIN}),
        None,
    ),
    Route("marketing", "/marketing/", frozenset({MARKETER, ADMIN}), "analytics.read"),
    Route("analytics_csv", "/marketing/appointments.csv", frozenset({MARKETER, ADMIN}), "analytics.read"),
    Route("admin:index", "/admin/", frozenset({ADMIN}), None),
    Route("admin:medisecure_user_changelist", "/admin/medisecure/user/", frozenset({ADMIN}), None),
    Route(
        "admin:medisecure_user_invite_again", "/admin/medisecure/user/invite-again/", frozenset({ADMIN}), None
    ),
    Route("admin:audit_list", "/admin/audit/?action=auth.sign_in", frozenset({ADMIN}), None),
    Route(
        "admin:audit_event",
        "/admin/audit/event/no-such-event/2026-01-01T00:00:00.000000Z/",
        frozenset({ADMIN}),
        **NOT_FOUND,
    ),
    Route("admin:audit_export", "/admin/audit/export.csv?outcome=denied", frozenset({ADMIN}), "audit.export"),
    Route("admin:analytics_dashboard", "/admin/analytics/", frozenset({ADMIN}), "analytics.read"),
    Route(
        "admin:audit_verify",
        "/admin/audit/verify/?since=2026-01-01&until=2026-01-02",
        frozenset({ADMIN}),
        "audit.verify",
    ),
    Route("clinician_apply", "/clinicians/apply/", EVERYONE, None),
    # Without a submission in the session it sends you to the form.
    Route("clinician_apply_submitted", "/clinicians/apply/submitted/", EVERYONE, None, ok_status=302),
    Route(
        "admin:clinicians_application_changelist", "/admin/clinicians/application/", frozenset({ADMIN}), None
    ),
    Route(
        "admin:clinicians_application_changelist",
        "/admin/clinicians/application/?status=approved&q=someone%40example.com",
        frozenset({ADMIN}),
        None,
    ),
    # The matrix's cast has no application, so the admin gets through to a 404
    # (clinicians/tests/test_admin_review.py opens real ones); everyone else
    # is refused before any lookup.
    Route(
        "admin:clinicians_application_change",
        f"/admin/clinicians/application/{NO_APPLICATION}/",
        frozenset({ADMIN}),
        **NOT_FOUND,
    ),
    Route(
        "admin:clinicians_application_scan",
        f"/admin/clinicians/application/{NO_APPLICATION}/licence-scan/",
        frozenset({ADMIN}),
        **NOT_FOUND,
    ),
    # POST only: a GET that gets through is refused with 405.
    Route(
        "admin:clinicians_application_decide",
        f"/admin/clinicians/application/{NO_APPLICATION}/decide/",
        frozenset({ADMIN}),
        None,
        ok_status=405,
    ),
    Route(
        "admin:clinicians_application_decide_selected",
        "/admin/clinicians/application/decide-selected/",
        frozenset({ADMIN}),
        None,
        ok_status=405,
    ),
)

from tests.matrix_appointments import APPOINTMENT_ROUTES  # noqa: E402
from tests.matrix_documents import DOCUMENT_ROUTES  # noqa: E402
from tests.matrix_messages import MESSAGE_ROUTES  # noqa: E402
from tests.matrix_records import RECORD_ROUTES  # noqa: E402
from tests.matrix_resilience import RESILIENCE_ROUTES  # noqa: E402
from tests.matrix_results import RESULT_ROUTES  # noqa: E402

ROUTES += DOCUMENT_ROUTES + APPOINTMENT_ROUTES + RECORD_ROUTES + RESILIENCE_ROUTES + MESSAGE_ROUTES
ROUTES += RESULT_ROUTES

# Routes reached only as steps of a flow, each tested where the flow is.
FLOW_ROUTES = {
    "oidc_authentication_init": "starts sign-in (tests/test_sign_in.py)",
    "oidc_authentication_callback": "ends sign-in (tests/test_sign_in.py)",
    "sign_out": "POST only (tests/test_sign_in.py)",
    "sign_out_everywhere": "POST only (tests/test_access_removal.py)",
    "language_set": "POST only, the footer's switch (tests/test_languages.py)",
    "signup:resend": "POST only, within a sign-up (patients/tests/test_signup_rules.py)",
}
