"""The access matrix's routes for medical records (issue 6): the doctor's
patients and charts, the patient's own record, emergency access and the
admin's care-team pages. `{patient}` is the cast patient, in the doctor's
care team and in no one else's."""

from tests.access_matrix import ADMIN, DOCTOR, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, SELF, Route

DOCTORS = frozenset({DOCTOR, OTHER_DOCTOR})
PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
ADMINS = frozenset({ADMIN})
NO_ENTRY = "20260101T000000000000-0123456789abcdef"


def _chart_route(name: str, path: str, action: str, **kwargs) -> Route:
    return Route(
        name,
        path,
        frozenset({DOCTOR}),
        action,
        touches_phi=True,
        audit_patient=PATIENT,
        not_found=frozenset({OTHER_DOCTOR}),
        **kwargs,
    )


RECORD_ROUTES = (
    Route("chart:patients", "/doctor/patients/", DOCTORS, "careteam.search", touches_phi=True),
    _chart_route("chart:chart", "/doctor/patients/{patient}/", "chart.read"),
    _chart_route("chart:history", "/doctor/patients/{patient}/history/", "chart.history.read"),
    # POST only: a GET that gets through is refused with 405, before any lookup.
    Route("chart:entry_add", "/doctor/patients/{patient}/add/note/", DOCTORS, None, ok_status=405),
    # The cast's chart has no such entry: the doctor gets through to a 404
    # (clinicians/tests/test_chart.py opens real ones), audited as a denial.
    Route(
        "chart:entry",
        f"/doctor/patients/{{patient}}/entries/{NO_ENTRY}/",
        frozenset({DOCTOR}),
        "chart.access",
        ok_status=404,
        audit_outcome="denied",
        audit_patient=PATIENT,
        not_found=frozenset({OTHER_DOCTOR}),
    ),
    # POST only: a GET that gets through is refused with 405, before any lookup.
    Route(
        "chart:addendum_add",
        f"/doctor/patients/{{patient}}/entries/{NO_ENTRY}/addendum/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    Route(
        "records:record", "/patient/records/", PATIENTS, "record.read", touches_phi=True, audit_patient=SELF
    ),
    Route(
        "exports:download",
        "/patient/records/download/fhir/",
        PATIENTS,
        "record.download",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route(
        "records:access_log",
        "/patient/records/access/",
        PATIENTS,
        "record.access_log.read",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route("emergency:access", "/doctor/patients/emergency/", DOCTORS, None),
    Route(
        "admin:emergency_access_review",
        "/admin/patients/emergency-access/",
        ADMINS,
        "emergency.review",
        touches_phi=True,
    ),
    # POST only: a GET that gets through is refused with 405.
    Route(
        "admin:emergency_access_record_review",
        "/admin/patients/emergency-access/review/",
        ADMINS,
        None,
        ok_status=405,
    ),
    # Without a patient asked for, the page is only the search form.
    Route("admin:care_team", "/admin/patients/care-team/", ADMINS, None),
    # POST only: a GET that gets through is refused with 405.
    Route("admin:care_team_add", "/admin/patients/care-team/{patient}/add/", ADMINS, None, ok_status=405),
    Route(
        "admin:care_team_remove",
        "/admin/patients/care-team/{patient}/remove/no-such-doctor/",
        ADMINS,
        None,
        ok_status=405,
    ),
)
