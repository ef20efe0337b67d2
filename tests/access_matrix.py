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
    Route("patients:profile", "/patient/profile/", frozenset({PATIENT, OTHER_PATIENT}), touches_phi=True),
    Route("signup:start", "/signup/", EVERYONE),
    # With no sign-up in progress in the session, these send the browser to /signup/.
    Route("signup:verify", "/signup/verify/", EVERYONE, ok_status=302),
    Route("signup:complete", "/signup/complete/", EVERYONE, ok_status=302),
    Route("clinicians:home", "/doctor/", frozenset({DOCTOR, OTHER_DOCTOR}), touches_phi=True),
    Route("marketing", "/marketing/?specialty=Family+medicine", frozenset({MARKETER, ADMIN})),
    Route("admin:index", "/admin/", frozenset({ADMIN})),
    Route("admin:medisecure_user_changelist", "/admin/medisecure/user/", frozenset({ADMIN})),
)

# Routes reached only as steps of a flow, each tested where the flow is.
FLOW_ROUTES = {
    "oidc_authentication_init": "starts sign-in (tests/test_sign_in.py)",
    "oidc_authentication_callback": "ends sign-in (tests/test_sign_in.py)",
    "sign_out": "POST only (tests/test_sign_in.py)",
    "signup:resend": "POST only, within a sign-up (patients/tests/test_signup_rules.py)",
}
