"""The appointment pages in the access matrix (tests/access_matrix.py adds
them to ROUTES), the admin's overbooking page with them. The cast has no
appointments, so a page about one answers 404 to a patient, and the denial
is audited; appointments/tests open real ones."""

from tests.access_matrix import (
    ADMIN,
    DOCTOR,
    FRONTDESK,
    NOT_FOUND,
    OTHER_DOCTOR,
    OTHER_PATIENT,
    PATIENT,
    SELF,
    Route,
)

PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
DOCTORS = frozenset({DOCTOR, OTHER_DOCTOR})
NO_APPOINTMENT = "0" * 32
DESK = frozenset({FRONTDESK})

APPOINTMENT_ROUTES = (
    Route("appointments:availability", "/doctor/availability/", DOCTORS, None),
    Route(
        "appointments:list",
        "/patient/appointments/",
        PATIENTS,
        "appointment.list",
        touches_phi=True,
        audit_patient=SELF,
    ),
    Route(
        "appointments:list",
        "/patient/appointments/?when=past",
        PATIENTS,
        "appointment.list",
        touches_phi=True,
        audit_patient=SELF,
    ),
    # Doctors' names and free times only.
    Route("appointments:book", "/patient/appointments/book/?specialty=Family+medicine", PATIENTS, None),
    Route("appointments:book_confirm", "/patient/appointments/book/confirm/", PATIENTS, None),
    Route(
        "appointments:detail",
        f"/patient/appointments/{NO_APPOINTMENT}/",
        PATIENTS,
        "appointment.read",
        ok_status=404,
        touches_phi=True,
        audit_outcome="denied",
    ),
    Route(
        "appointments:reschedule",
        f"/patient/appointments/{NO_APPOINTMENT}/reschedule/",
        PATIENTS,
        "appointment.read",
        ok_status=404,
        touches_phi=True,
        audit_outcome="denied",
    ),
    Route(
        "appointments:list",
        "/patient/appointments/?when=cancelled",
        PATIENTS,
        "appointment.list",
        touches_phi=True,
        audit_patient=SELF,
    ),
    # Its GET asks "are you sure?" about the appointment: a read of it.
    Route(
        "appointments:cancel",
        f"/patient/appointments/{NO_APPOINTMENT}/cancel/",
        PATIENTS,
        "appointment.read",
        ok_status=404,
        touches_phi=True,
        audit_outcome="denied",
    ),
    # POST only: a GET that gets through is refused with 405.
    Route(
        "appointments:send_confirmation",
        f"/patient/appointments/{NO_APPOINTMENT}/send-confirmation/",
        PATIENTS,
        None,
        ok_status=405,
    ),
    # The doctor's actions on their schedule: POST only.
    Route(
        "appointments:doctor_complete",
        f"/doctor/appointments/{NO_APPOINTMENT}/complete/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    Route(
        "appointments:doctor_no_show",
        f"/doctor/appointments/{NO_APPOINTMENT}/no-show/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    Route(
        "appointments:doctor_cancel",
        f"/doctor/appointments/{NO_APPOINTMENT}/cancel/",
        DOCTORS,
        None,
        ok_status=405,
    ),
    # A completed visit's summary, for its patient and its doctor: the cast
    # has no appointment, so it is a 404, audited as a denial
    # (patients/visits/tests/test_visit_summary.py opens real ones).
    Route(
        "visits:summary",
        f"/patient/visits/{NO_APPOINTMENT}/",
        PATIENTS,
        "visit_summary.read",
        ok_status=404,
        touches_phi=True,
        audit_outcome="denied",
    ),
    Route(
        "doctor_visits:summary",
        f"/doctor/visits/{NO_APPOINTMENT}/",
        DOCTORS,
        "visit_summary.read",
        ok_status=404,
        touches_phi=True,
        audit_outcome="denied",
    ),
    # It shows no PHI until it is used, so opening it is not audited;
    # appointments/tests/test_overbook.py uses it.
    Route("admin:appointments_overbook", "/admin/appointments/overbook/", frozenset({ADMIN}), None),
    # The clinic's visit types and locations: no PHI.
    # The waitlist: joining takes a POST only; a hold named by no one's id is a 404.
    Route("appointments:waitlist_join", "/patient/waitlist/join/", PATIENTS, None, ok_status=405),
    Route("appointments:waitlist_claim", f"/patient/waitlist/{NO_APPOINTMENT}/", PATIENTS, **NOT_FOUND),
    Route("admin:appointments_choices", "/admin/appointments/choices/", frozenset({ADMIN}), None),
    Route("admin:appointments_visit_type", "/admin/appointments/visit-types/new/", frozenset({ADMIN}), None),
    Route("admin:appointments_location", "/admin/appointments/locations/new/", frozenset({ADMIN}), None),
    # The front desk: every doctor's day, finding a caller, booking, moving
    # and cancelling for them, arrivals. Never a chart, document or message:
    # every other route refuses it (403).
    Route(
        "frontdesk:home",
        "/frontdesk/",
        DESK,
        "appointment.desk_day",
        touches_phi=True,
    ),
    Route("frontdesk:patient_search", "/frontdesk/patients/", DESK, None),
    Route(
        "frontdesk:book",
        "/frontdesk/patients/{patient}/book/",
        DESK,
        "patient.desk_read",
        touches_phi=True,
        audit_patient="patient",
    ),
    Route(
        "frontdesk:book_confirm",
        "/frontdesk/patients/{patient}/book/confirm/",
        DESK,
        "patient.desk_read",
        touches_phi=True,
        audit_patient="patient",
    ),
    *(
        Route(
            name,
            f"/frontdesk/appointments/{NO_APPOINTMENT}/{suffix}",
            DESK,
            "appointment.read",
            ok_status=404,
            touches_phi=True,
            audit_outcome="denied",
        )
        for name, suffix in (
            ("frontdesk:appointment", ""),
            ("frontdesk:cancel", "cancel/"),
            ("frontdesk:move", "move/"),
        )
    ),
    Route(
        "frontdesk:arrived", f"/frontdesk/appointments/{NO_APPOINTMENT}/arrived/", DESK, None, ok_status=405
    ),
    Route(
        "frontdesk:no_show", f"/frontdesk/appointments/{NO_APPOINTMENT}/no-show/", DESK, None, ok_status=405
    ),
)


def _patients_appointment(cast) -> str:
    from tests.forms_appointments import book_for  # it imports the matrix: not at import time

    return book_for(cast.patient, cast.doctor).appointment_id


# For tests/test_id_swapping.py: another patient's appointment, asked for by
# the other patient, is refused exactly like one that does not exist.
APPOINTMENT_FOREIGN_IDS = {
    name: lambda cast: (OTHER_PATIENT, {"appointment_id": _patients_appointment(cast)})
    for name in (
        "appointments:detail",
        "appointments:reschedule",
        "appointments:cancel",
        "appointments:send_confirmation",
    )
}


def patients_hold(cast) -> str:
    """A waitlist hold offered to the cast's patient (written as the offer
    writes it, without its locks: its id is what these tests need)."""
    from appointments.waitlist import repository as waitlist
    from appointments.waitlist.domain import HOLD, Hold, new_hold_id
    from medisecure import clock
    from medisecure.unit_of_work import Transaction

    start = clock.now() + HOLD * 100
    hold = Hold(
        hold_id=new_hold_id(),
        provider_id=cast.doctor.sub,
        visit_type_id="",
        patient_id=cast.patient.sub,
        entry_joined_at=clock.stamp(),
        start=start,
        end=start + HOLD * 2,
        expires_at=clock.now() + HOLD,
        lock_ids=(),
    )
    tx = Transaction()
    waitlist.hold_add(tx, hold)
    tx.commit()
    return hold.hold_id


APPOINTMENT_FOREIGN_IDS["appointments:waitlist_claim"] = lambda cast: (
    OTHER_PATIENT,
    {"hold_id": patients_hold(cast)},
)
# Another doctor's appointment, acted on by the other doctor.
APPOINTMENT_FOREIGN_IDS.update(
    {
        name: lambda cast: (OTHER_DOCTOR, {"appointment_id": _patients_appointment(cast)})
        for name in (
            "appointments:doctor_complete",
            "appointments:doctor_no_show",
            "appointments:doctor_cancel",
        )
    }
)


def _patients_completed_visit(cast) -> str:
    from patients.visits.tests.support import completed_visit  # it books through the registry's helpers

    return completed_visit(cast).appointment_id


# A completed visit's summary: another patient's, and another doctor's.
APPOINTMENT_FOREIGN_IDS["visits:summary"] = lambda cast: (
    OTHER_PATIENT,
    {"appointment_id": _patients_completed_visit(cast)},
)
APPOINTMENT_FOREIGN_IDS["doctor_visits:summary"] = lambda cast: (
    OTHER_DOCTOR,
    {"appointment_id": _patients_completed_visit(cast)},
)
