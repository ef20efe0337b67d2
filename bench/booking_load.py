"""Fifty patients booking ten slots at once, over HTTP through the real
booking pages under gunicorn: exactly ten appointments, no slot booked
twice, no server error.

    .venv/bin/python -m bench.booking_load [--bookers 50] [--slots 10]

It starts its own local AWS stack, opens the demo doctor's hours, makes the
bookers (Cognito accounts and patient records), signs each in through the
real sign-in flow, and has each open the confirmation page of one of the
slots (bookers spread evenly over them). Then all of them press "Book" at
the same moment. Afterwards it reads the doctor's appointments back from
DynamoDB and checks them. Exit status 1 if any check fails."""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from collections import Counter
from datetime import time as clock_time
from datetime import timedelta

from bench import stack as bench_stack

REASON = "Persistent cough"


def open_hours(doctor) -> list:
    """The demo doctor's hours, every day 08:00-18:00 in 30-minute slots;
    the free slots of the week starting in seven days."""
    from appointments.availability.services import availability_update
    from appointments.booking.selectors import free_week_get
    from appointments.domain import Availability, WeeklyRule
    from medisecure.identity.actors import NO_REQUEST, Actor

    hours = tuple(WeeklyRule(day, clock_time(8), clock_time(18), 30) for day in range(7))
    availability_update(
        actor=Actor(user_id=doctor.sub, role=doctor.role.value),
        audit=NO_REQUEST,
        proposed=Availability(doctor.sub, rules=hours),
    )
    return [slot for day in free_week_get(provider_id=doctor.sub, week=1).days for slot in day.slots]


def _form_fields(html: str) -> dict:
    from tests.support import first_form

    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I)
    booking = next(form for form in forms if "booking_id" in form)
    return first_form(booking).fields


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookers", type=int, default=50)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    port = bench_stack.free_port()
    local_stack = bench_stack.start(site_url=f"http://127.0.0.1:{port}")
    try:
        from appointments import repository as appointments

        doctor = bench_stack.demo_cast()["doctor"]
        slots = open_hours(doctor)[: args.slots]
        emails = bench_stack.patients_of_the_demo_doctor(args.bookers)
        with bench_stack.gunicorn(
            local_stack, port=port, workers=args.workers, threads=args.threads
        ) as portal:
            sessions = [bench_stack.http_sign_in(portal, email) for email in emails]
            forms = []
            for number, session in enumerate(sessions):
                slot = slots[number % len(slots)]
                page = session.get(
                    f"{portal}/patient/appointments/book/confirm/",
                    params={"doctor": doctor.sub, "start": slot.start_iso},
                )
                assert page.status_code == 200, page.status_code
                forms.append({**_form_fields(page.text), "reason": REASON})
            print(f"# {bench_stack.machine_load()} before", flush=True)
            statuses: Counter = Counter()
            barrier = threading.Barrier(len(sessions))
            lock = threading.Lock()

            def book(session, fields):
                barrier.wait()
                answer = session.post(
                    f"{portal}/patient/appointments/book/confirm/",
                    data=fields,
                    headers={"Referer": f"{portal}/patient/appointments/book/confirm/"},
                    allow_redirects=False,
                    timeout=120,
                )
                with lock:
                    statuses[answer.status_code] += 1

            started = time.perf_counter()
            threads = [threading.Thread(target=book, args=pair) for pair in zip(sessions, forms)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            print(f"# {bench_stack.machine_load()} after", flush=True)

        first, last = slots[0].start, slots[-1].end
        booked, _ = appointments.list_by_provider(
            doctor.sub, since=first - timedelta(minutes=1), until=last, limit=1000
        )
        booked = [appointment for appointment in booked if appointment.status == "booked"]
        per_slot = Counter(appointment.start for appointment in booked)
        double = sum(count - 1 for count in per_slot.values() if count > 1)
        server_errors = sum(count for status, count in statuses.items() if status >= 500)
        print("| bookers | slots | seconds | appointments | double bookings | server errors | answers |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        print(
            f"| {len(sessions)} | {len(slots)} | {elapsed:.1f} | {len(booked)} | {double} | {server_errors} | "
            f"{dict(sorted(statuses.items()))} |"
        )
        ok = len(booked) == len(slots) and double == 0 and server_errors == 0 and statuses[302] == len(slots)
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        local_stack.stop()


if __name__ == "__main__":
    sys.exit(main())
