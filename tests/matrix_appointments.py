"""The appointment pages in the access matrix (tests/access_matrix.py adds
them to ROUTES). The cast has no appointments, so a page about one answers
404 to a patient, and the denial is audited; appointments/tests open real ones."""

from tests.access_matrix import DOCTOR, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, SELF, Route

PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
DOCTORS = frozenset({DOCTOR, OTHER_DOCTOR})
NO_APPOINTMENT = "0" * 32

APPOINTMENT_ROUTES = (
    Route("appointments:availability", "/doctor/availability/", DOCTORS, None),
    Route(
        "appointments:list", "/patient/appointments/", PATIENTS, "appointment.list",
        touches_phi=True, audit_patient=SELF,
    ),
    Route(
        "appointments:list", "/patient/appointments/?when=past", PATIENTS, "appointment.list",
        touches_phi=True, audit_patient=SELF,
    ),
    # Doctors' names and free times only.
    Route("appointments:book", "/patient/appointments/book/?specialty=Family+medicine", PATIENTS, None),
    Route("appointments:book_confirm", "/patient/appointments/book/confirm/", PATIENTS, None),
    Route(
        "appointments:detail", f"/patient/appointments/{NO_APPOINTMENT}/", PATIENTS, "appointment.read",
        ok_status=404, touches_phi=True, audit_outcome="denied",
    ),
    Route(
        "appointments:reschedule", f"/patient/appointments/{NO_APPOINTMENT}/reschedule/", PATIENTS,
        "appointment.read", ok_status=404, touches_phi=True, audit_outcome="denied",
    ),
    # POST only: a GET that gets through is refused with 405.
    Route("appointments:cancel", f"/patient/appointments/{NO_APPOINTMENT}/cancel/", PATIENTS, None, ok_status=405),
    Route(
        "appointments:send_confirmation", f"/patient/appointments/{NO_APPOINTMENT}/send-confirmation/", PATIENTS,
        None, ok_status=405,
    ),
    # The doctor's actions on their schedule: POST only.
    Route("appointments:doctor_complete", f"/doctor/appointments/{NO_APPOINTMENT}/complete/", DOCTORS, None, ok_status=405),
    Route("appointments:doctor_no_show", f"/doctor/appointments/{NO_APPOINTMENT}/no-show/", DOCTORS, None, ok_status=405),
    Route("appointments:doctor_cancel", f"/doctor/appointments/{NO_APPOINTMENT}/cancel/", DOCTORS, None, ok_status=405),
)


def _patients_appointment(cast) -> str:
    from tests.forms_appointments import book_for  # it imports the matrix: not at import time

    return book_for(cast.patient, cast.doctor).appointment_id


# For tests/test_id_swapping.py: another patient's appointment, asked for by
# the other patient, is refused exactly like one that does not exist.
APPOINTMENT_FOREIGN_IDS = {
    name: lambda cast: (OTHER_PATIENT, {"appointment_id": _patients_appointment(cast)})
    for name in ("appointments:detail", "appointments:reschedule", "appointments:cancel", "appointments:send_confirmation")
}
# Another doctor's appointment, acted on by the other doctor.
APPOINTMENT_FOREIGN_IDS.update({
    name: lambda cast: (OTHER_DOCTOR, {"appointment_id": _patients_appointment(cast)})
    for name in ("appointments:doctor_complete", "appointments:doctor_no_show", "appointments:doctor_cancel")
})
