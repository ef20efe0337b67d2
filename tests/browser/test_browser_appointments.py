"""A doctor opens hours, a patient books one of them, both see the booking,
the patient cancels and the time is offered again, in a real browser; the
confirmation with its calendar file is in the local stack's SES."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from appointments.tests.support import raw_mail_to
from tests.support import TEST_PASSWORD

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _new_page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _open_hours(page, weekday: int):
    page.get_by_role("link", name="My availability").first.click()
    name = WEEKDAYS[weekday]
    page.get_by_label(f"Working on {name}").check()
    page.get_by_label(f"{name}: From").fill("09:00")
    page.get_by_label(f"{name}: Until").fill("11:00")
    page.get_by_label(f"{name}: Slot length (minutes)").fill("30")
    page.get_by_role("button", name="Save my availability").click()
    assert "Your availability is saved." in page.content()


def _free_times(page, live_server, day_label: str) -> str:
    """The free times the booking page offers with the cast's doctor on that day."""
    page.goto(live_server.url + "/patient/appointments/book/")
    page.get_by_label("Specialty").select_option("Family medicine")
    page.get_by_role("button", name="Show doctors").click()
    page.get_by_role("link", name="Dr Casey Sample").click()
    day = page.get_by_role("region", name=day_label)
    return day.inner_text() if day.count() else ""


def test_a_patient_books_an_opened_time_both_see_it_and_cancelling_offers_it_again(
    chromium, page, live_server, cast, local_stack, assert_accessible
):
    # Three days ahead: inside the booking page's first week and past the cut-off for cancelling.
    day = datetime.now(ZoneInfo(settings.CLINIC_TIME_ZONE)).date() + timedelta(days=3)
    day_label = f"{WEEKDAYS[day.weekday()]} {day.day} {day:%B}"
    _sign_in(page, live_server, cast.doctor.email)
    _open_hours(page, day.weekday())

    patient_context, patient = _new_page(chromium)
    try:
        _sign_in(patient, live_server, cast.patient.email)
        offered = _free_times(patient, live_server, day_label)
        assert "9:00 AM" in offered and "10:30 AM" in offered
        assert_accessible(patient)
        patient.get_by_role("link", name=f"9:00 AM on {day_label}").click()
        patient.get_by_label("Reason for the visit").fill("Knee pain after running")
        patient.get_by_role("button", name="Confirm booking").click()
        assert "Your appointment is booked. We have emailed you the confirmation." in patient.content()

        patient.get_by_role("link", name="My appointments", exact=True).click()
        assert "Dr Casey Sample" in patient.inner_text("main") and "Booked" in patient.inner_text("main")
        assert "9:00 AM" not in _free_times(patient, live_server, day_label)

        page.goto(f"{live_server.url}/doctor/?start={day:%Y-%m-%d}")
        schedule = page.inner_text("main")
        assert (
            "Jordan Example" in schedule and "Knee pain after running" in schedule and "9:00 AM" in schedule
        )
        assert_accessible(page)
        page.get_by_role("link", name="Week view").click()
        assert "Knee pain after running" in page.inner_text("main")

        [confirmation] = raw_mail_to(local_stack, cast.patient.email)
        [calendar] = [
            part for part in confirmation.iter_attachments() if part.get_filename() == "appointment.ics"
        ]
        assert "BEGIN:VEVENT" in calendar.get_content()

        patient.get_by_role("link", name="My appointments", exact=True).click()
        patient.get_by_role("link", name="Details").first.click()
        patient.get_by_role("link", name="Cancel this appointment").click()
        patient.get_by_label("Why are you cancelling?").fill("Feeling better")
        patient.get_by_role("button", name="Yes, cancel it").click()
        assert "Your appointment is cancelled." in patient.content()
        removals = [
            part
            for message in raw_mail_to(local_stack, cast.patient.email)
            for part in message.iter_attachments()
            if part.get_filename() == "cancellation.ics"
        ]
        assert len(removals) == 1 and "METHOD:CANCEL" in removals[0].get_content()
        assert "9:00 AM" in _free_times(patient, live_server, day_label)

        page.goto(f"{live_server.url}/doctor/?start={day:%Y-%m-%d}")
        assert "Cancelled" in page.inner_text("main")
    finally:
        patient_context.close()
