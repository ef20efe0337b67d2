"""The secure-message pages in the access matrix (tests/access_matrix.py
adds them to ROUTES) and in the id-swapping walk (tests/test_id_swapping.py).
The cast has no threads, so a thread page answers 404 to whoever gets
through, and the miss is audited by the messages room itself;
patients/messages/tests open real ones."""

from tests.access_matrix import DOCTOR, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, SELF, Route

PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
DOCTORS = frozenset({DOCTOR, OTHER_DOCTOR})
NO_THREAD = "0" * 32
THREAD_MISS = {"ok_status": 404, "touches_phi": True, "audit_outcome": "denied"}

MESSAGE_ROUTES = (
    Route(
        "messages:inbox",
        "/patient/messages/",
        PATIENTS,
        "message.inbox.read",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route(
        "messages:compose",
        "/patient/messages/new/",
        PATIENTS,
        "message.compose",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route(
        "messages:thread",
        f"/patient/messages/{NO_THREAD}/",
        PATIENTS,
        "message.thread.access",
        audit_patient=SELF,
        **THREAD_MISS,
    ),
    # POST only: a GET that gets through is refused with 405.
    Route("messages:reply", f"/patient/messages/{NO_THREAD}/reply/", PATIENTS, None, ok_status=405),
    Route("doctor_messages:inbox", "/doctor/messages/", DOCTORS, "message.inbox.read", touches_phi=True),
    Route(
        "doctor_messages:thread",
        f"/doctor/messages/{{patient}}/{NO_THREAD}/",
        DOCTORS,
        "message.thread.access",
        audit_patient=PATIENT,
        **THREAD_MISS,
    ),
    Route(
        "doctor_messages:reply",
        f"/doctor/messages/{{patient}}/{NO_THREAD}/reply/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    Route(
        "doctor_messages:close",
        f"/doctor/messages/{{patient}}/{NO_THREAD}/close/",
        DOCTORS,
        None,
        ok_status=405,
    ),
)


def _patients_thread(cast) -> str:
    from patients.messages.tests.support import start_thread  # it needs the stack: not at import time

    return start_thread(cast).thread.thread_id


# Another patient's thread, asked for by the other patient; a thread of the
# cast's patient and doctor, asked for by a doctor outside the care team.
MESSAGE_FOREIGN_IDS = {
    name: lambda cast: (OTHER_PATIENT, {"thread_id": _patients_thread(cast)})
    for name in ("messages:thread", "messages:reply")
}
MESSAGE_FOREIGN_IDS.update(
    {
        name: lambda cast: (OTHER_DOCTOR, {"thread_id": _patients_thread(cast)})
        for name in ("doctor_messages:thread", "doctor_messages:reply", "doctor_messages:close")
    }
)
