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
ACTORS = (ANONYMOUS, PATIENT, OTHER_PATIENT, DOCTOR, OTHER_DOCTOR, ADMIN, MARKETER)
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
EVERYONE = frozenset(ACTORS)
NO_APPLICATION = "CA-0000-0000-0000-0000"


@dataclass(frozen=True)
class Route:
    name: str  # the URL name, to prove every route is covered
    path: str
    allowed: frozenset
    ok_status: int = 200
    touches_phi: bool = False


ROUTES = (
    Route("landing", "/", EVERYONE),
    Route("healthz", "/healthz", EVERYONE),
    Route("signed_out", "/signed-out/", EVERYONE),
    Route("signed_out_reason", "/signed-out/expired/", EVERYONE),
    Route("home", "/home/", SIGNED_IN, ok_status=302),
    Route("mfa_setup", "/account/mfa/", SIGNED_IN),
    Route("patients:home", "/patient/", frozenset({PATIENT, OTHER_PATIENT}), touches_phi=True),
    Route("clinicians:home", "/doctor/", frozenset({DOCTOR, OTHER_DOCTOR}), touches_phi=True),
    Route("marketing", "/marketing/?specialty=Family+medicine", frozenset({MARKETER, ADMIN})),
    Route("admin:index", "/admin/", frozenset({ADMIN})),
    Route("admin:medisecure_user_changelist", "/admin/medisecure/user/", frozenset({ADMIN})),
    Route("clinician_apply", "/clinicians/apply/", EVERYONE),
    # Without a submission in the session it sends you to the form.
    Route("clinician_apply_submitted", "/clinicians/apply/submitted/", EVERYONE, ok_status=302),
    Route("admin:clinicians_application_changelist", "/admin/clinicians/application/", frozenset({ADMIN})),
    Route(
        "admin:clinicians_application_changelist",
        "/admin/clinicians/application/?status=approved&q=someone%40example.com",
        frozenset({ADMIN}),
    ),
    # The matrix's cast has no application, so the admin gets through to a 404
    # (clinicians/tests/test_admin_review.py opens real ones); everyone else
    # is refused before any lookup.
    Route("admin:clinicians_application_change", f"/admin/clinicians/application/{NO_APPLICATION}/", frozenset({ADMIN}), ok_status=404),
    Route("admin:clinicians_application_scan", f"/admin/clinicians/application/{NO_APPLICATION}/licence-scan/", frozenset({ADMIN}), ok_status=404),
    # POST only: a GET that gets through is refused with 405.
    Route("admin:clinicians_application_decide", f"/admin/clinicians/application/{NO_APPLICATION}/decide/", frozenset({ADMIN}), ok_status=405),
    Route("admin:clinicians_application_decide_selected", "/admin/clinicians/application/decide-selected/", frozenset({ADMIN}), ok_status=405),
)

# Routes reached only as steps of a flow, each tested where the flow is.
FLOW_ROUTES = {
    "oidc_authentication_init": "starts sign-in (tests/test_sign_in.py)",
    "oidc_authentication_callback": "ends sign-in (tests/test_sign_in.py)",
    "sign_out": "POST only (tests/test_sign_in.py)",
}
