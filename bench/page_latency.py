"""The main pages as their tables grow: server time (median, p95) and
DynamoDB round trips and items read per page with 1k, 10k and 100k records
in each table the pages read, next to the same listings done the way a
naive adapter does them (a Scan with a filter expression), in the same run.

    .venv/bin/python -m bench.page_latency [--sizes 1000 10000 100000] [--requests 30]

It starts its own local stack on a free loopback port, seeds the tables with
BatchWriteItem (bench-only: the portal never batch-writes), and opens each
page through the real Django views with the test client, signed in through
the real sign-in flow. "Portal" time is the server time minus the time spent
inside DynamoDB calls: the local emulator (moto) answers every Query by
walking the whole table, which DynamoDB does not, so the emulator's share
grows with the table while the portal's own work should not. Round trips
and items read are exact, whatever the machine's load.

To add a page: a BenchPage in PAGES (and, if it reads a table not seeded yet,
a seeder in SEEDERS)."""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import stack as bench_stack

SIZES = (1_000, 10_000, 100_000)
WARM_UP = 3
OWN_SHARE = 100  # one record in this many belongs to the signed-in person
BATCH = 25
NAIVE_PAGE = 1000  # items a naive Scan reads per call (DynamoDB stops at 1 MB anyway)
# The emulator walks (and for an index, sorts) the whole table to answer a
# Query; at 100k records that can outlast the portal's 5 s read timeout on a
# busy machine. The bench gives it longer; the portal's settings are unchanged.
EMULATOR_READ_TIMEOUT_SECONDS = 300
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
# Bookings are spread over the years after this; the booking page shows the
# demo doctor's free slots a week from now.
APPOINTMENTS_FROM = datetime(2027, 1, 4, tzinfo=UTC)


@dataclass(frozen=True)
class Listing:
    """A page's list, done the portal's way and the naive way."""

    portal: Callable  # (cast) -> None: the repository call the page makes
    table: object  # what the naive adapter scans
    naive_filter: Callable  # (cast) -> a boto3 condition for the Scan's FilterExpression


@dataclass(frozen=True)
class BenchPage:
    name: str
    role: str  # whose demo account opens it
    path: Callable  # (cast) -> the page's address
    tables: tuple  # the tables it reads, seeded to each size
    listing: Listing


# --- Records ----------------------------------------------------------------------


def _moment(number: int) -> datetime:
    return BASE_TIME + timedelta(seconds=number)


def _patient_item(number: int, cast) -> dict:
    from patients.domain import Patient
    from patients.repository import _patient_values

    return _patient_values(
        Patient(
            patient_id=f"bench-patient-{number:06d}",
            email=f"patient{number}@bench.test",
            given_name="Pat",
            family_name=f"Bench{number:06d}",
            date_of_birth="1980-01-01",
        )
    )


def _provider_item(number: int, cast) -> dict:
    from clinicians.domain import Provider
    from clinicians.repository import _provider_values

    return _provider_values(
        Provider(
            provider_id=f"bench-doctor-{number:06d}",
            email=f"doctor{number}@bench.test",
            given_name="Doc",
            family_name=f"Bench{number:06d}",
            specialty="Family medicine",
            created_at=_moment(number).isoformat(),
        )
    )


def _care_team_item(number: int, cast) -> dict:
    doctor = cast.doctor if number % OWN_SHARE == 0 else None
    return {
        "patientId": f"bench-patient-{number:06d}",
        "providerId": doctor or f"bench-doctor-{number % 500:06d}",
        "patientSortName": f"bench{number:06d} pat",
        "patientName": f"Pat Bench{number:06d}",
        "since": _moment(number).isoformat(),
        "reason": "Primary care",
    }


def _application_item(number: int, cast) -> dict:
    from clinicians.applications.domain import Application, LicenceFile
    from clinicians.applications.repository import _application_values

    digits = f"{number:016d}"
    return _application_values(
        Application(
            application_id="CA-" + "-".join(digits[start : start + 4] for start in range(0, 16, 4)),
            submitted_at=_moment(number).isoformat(),
            status="pending" if number % 2 else "approved",
            version=1,
            given_name="Avery",
            family_name=f"Applicant{number:06d}",
            email=f"applicant{number}@bench.test",
            phone="+1 212 555 0123",
            specialty="Cardiology",
            licence_number=f"MD-{number}",
            licence_region="New York",
            licence_expiry="2030-01-01",
            npi="",
            years_of_practice=8,
            statement="Eight years of cardiology.",
            scan=LicenceFile(key=f"licence-scans/bench-{number}", content_type="application/pdf", size=1000),
        )
    )


def _audit_item(number: int, cast) -> dict:
    from django.conf import settings

    from audit.domain import TIMESTAMP_FORMAT, AuditEvent
    from audit.repository import _to_values

    event = AuditEvent(
        event_id=uuid.uuid5(uuid.NAMESPACE_OID, f"bench-{number}").hex,
        timestamp=_moment(number).strftime(TIMESTAMP_FORMAT),
        org_id=settings.CLINIC_ID,
        user_id=f"bench-user-{number % 1000}",
        role="patient",
        action="patient.home.read",
        outcome="allowed",
        resource_type="patient",
        resource_id=f"bench-patient-{number:06d}",
        patient_id=f"bench-patient-{number:06d}",
        chain_id="bench",
        chain_seq=number + 1,
    )
    return _to_values(event, expires_at=2_000_000_000)


def _document_item(number: int, cast) -> dict:
    from medisecure import clock
    from patients.documents.domain import Document
    from patients.documents.repository import _values

    owner = cast.patient if number % OWN_SHARE == 0 else f"bench-patient-{number:06d}"
    return _values(
        Document(
            patient_id=owner,
            document_id=uuid.uuid5(uuid.NAMESPACE_OID, f"doc-{number}").hex,
            uploaded_at=clock.stamp(_moment(number)),
            file_name=f"lab-result-{number}.pdf",
            content_type="application/pdf",
            size=1000,
            storage_key=f"bench/{number}",
            uploaded_by=owner,
            uploader_role="patient",
        )
    )


def _record_item(number: int, cast) -> dict:
    from patients.records.domain import NOTE, Entry
    from patients.records.repository import _entry_values

    owner = cast.patient if number % OWN_SHARE == 0 else f"bench-patient-{number:06d}"
    recorded = _moment(number)
    return _entry_values(
        Entry(
            patient_id=owner,
            entry_id=f"{recorded.strftime('%Y%m%dT%H%M%S%f')}-{number:016x}",
            kind=NOTE,
            recorded_at=recorded.isoformat(),
            recorded_by=cast.doctor,
            recorded_by_name="Dr Bench",
            values={"subjective": "Follow-up visit.", "plan": "Review in a month."},
        )
    )


def _appointment_item(number: int, cast) -> dict:
    from appointments.domain import Appointment
    from appointments.repository import _appointment_values

    doctor = cast.doctor if number % OWN_SHARE == 0 else f"bench-doctor-{number % 500:06d}"
    start = APPOINTMENTS_FROM + timedelta(minutes=30 * number)
    return _appointment_values(
        Appointment(
            appointment_id=uuid.uuid5(uuid.NAMESPACE_OID, f"appointment-{number}").hex,
            patient_id=f"bench-patient-{number:06d}",
            provider_id=doctor,
            start=start,
            end=start + timedelta(minutes=30),
            reason="Check-up",
            status="booked",
            created_at=_moment(number).isoformat(),
        )
    )


def _seeders():
    from medisecure import tables

    return {
        tables.PATIENTS: _patient_item,
        tables.PROVIDERS: _provider_item,
        tables.CARE_TEAM: _care_team_item,
        tables.CLINICIAN_APPLICATIONS: _application_item,
        tables.AUDIT_LOGS: _audit_item,
        tables.DOCUMENTS: _document_item,
        tables.MEDICAL_RECORDS: _record_item,
        tables.APPOINTMENTS: _appointment_item,
    }


# --- Pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """The demo cast's ids (the bench's records point at them)."""

    patient: str
    doctor: str


def _pages() -> tuple[BenchPage, ...]:
    from boto3.dynamodb.conditions import Attr
    from django.conf import settings

    from appointments import repository as appointments
    from audit import repository as audit_log
    from audit.domain import SearchFilters
    from clinicians.applications import repository as clinician_applications
    from medisecure import tables
    from patients.care_team import repository as care_team
    from patients.documents import repository as documents
    from patients.records import repository as records

    return (
        BenchPage(
            "patient home",
            "patient",
            lambda cast: "/patient/",
            (tables.PATIENTS, tables.CARE_TEAM, tables.PROVIDERS),
            Listing(
                lambda cast: care_team.links_of_patient(cast.patient),
                tables.CARE_TEAM,
                lambda cast: Attr("patientId").eq(cast.patient),
            ),
        ),
        BenchPage(
            # The first seeded week (the doctor's bookings fall about two days
            # apart, so a single clinic-time day may hold none).
            "doctor schedule (/doctor/, a week)",
            "doctor",
            lambda cast: f"/doctor/?view=week&start={APPOINTMENTS_FROM:%Y-%m-%d}",
            (tables.PROVIDERS, tables.APPOINTMENTS),
            Listing(
                lambda cast: appointments.list_by_provider(
                    cast.doctor, since=APPOINTMENTS_FROM, until=APPOINTMENTS_FROM + timedelta(days=7)
                ),
                tables.APPOINTMENTS,
                lambda cast: Attr("providerId").eq(cast.doctor),
            ),
        ),
        BenchPage(
            "booking page (a doctor's week)",
            "patient",
            lambda cast: f"/patient/appointments/book/?specialty=Family+medicine&doctor={cast.doctor}&week=1",
            (tables.PROVIDERS, tables.APPOINTMENTS),
            Listing(
                lambda cast: appointments.list_by_provider(
                    cast.doctor, since=APPOINTMENTS_FROM, until=APPOINTMENTS_FROM + timedelta(days=7)
                ),
                tables.APPOINTMENTS,
                lambda cast: Attr("providerId").eq(cast.doctor),
            ),
        ),
        BenchPage(
            "chart",
            "doctor",
            lambda cast: f"/doctor/patients/{cast.patient}/",
            (tables.MEDICAL_RECORDS, tables.PATIENTS, tables.CARE_TEAM),
            Listing(
                lambda cast: records.history_page(cast.patient),
                tables.MEDICAL_RECORDS,
                lambda cast: Attr("patientId").eq(cast.patient),
            ),
        ),
        BenchPage(
            "admin application list",
            "admin",
            lambda cast: "/admin/clinicians/application/",
            (tables.CLINICIAN_APPLICATIONS,),
            Listing(
                lambda cast: clinician_applications.list_by_status("pending", limit=25),
                tables.CLINICIAN_APPLICATIONS,
                lambda cast: Attr("status").eq("pending"),
            ),
        ),
        BenchPage(
            "audit search",
            "admin",
            lambda cast: "/admin/audit/",
            (tables.AUDIT_LOGS,),
            Listing(
                lambda cast: audit_log.search(SearchFilters(), org_id=settings.CLINIC_ID),
                tables.AUDIT_LOGS,
                lambda cast: Attr("orgId").eq(settings.CLINIC_ID),
            ),
        ),
        BenchPage(
            "patient documents",
            "patient",
            lambda cast: "/patient/documents/",
            (tables.DOCUMENTS,),
            Listing(
                lambda cast: documents.of_patient(cast.patient, limit=25),
                tables.DOCUMENTS,
                lambda cast: Attr("patientId").eq(cast.patient),
            ),
        ),
    )


# --- Seeding ----------------------------------------------------------------------


def _batch_write(table, items: list[dict]) -> None:
    from medisecure import dynamo

    client = dynamo.client()
    request = {dynamo.name(table): [{"PutRequest": {"Item": dynamo.to_item(item)}} for item in items]}
    while request:
        request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def seed(table, make_item, start: int, stop: int, cast) -> None:
    chunks = [range(first, min(first + BATCH, stop)) for first in range(start, stop, BATCH)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(lambda chunk: _batch_write(table, [make_item(number, cast) for number in chunk]), chunks)
        )


# --- Measuring --------------------------------------------------------------------


def naive_listing(table, condition) -> None:
    """What a naive adapter does: Scan the whole table with a filter, page
    after page, then sort and keep the first page."""
    from boto3.dynamodb.conditions import ConditionExpressionBuilder

    from medisecure import dynamo

    expression, names, values = ConditionExpressionBuilder().build_expression(condition)
    kwargs = {
        "TableName": dynamo.name(table),
        "FilterExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": dynamo.to_item(values),
        "Limit": NAIVE_PAGE,
    }
    found, start_key = [], None
    while True:
        response = dynamo.client().scan(**kwargs, **({"ExclusiveStartKey": start_key} if start_key else {}))
        found += response.get("Items", [])
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            break
    return sorted(found, key=repr)[:25]


def _patient_dynamodb_client() -> None:
    """The portal's DynamoDB client, built as usual but with a read timeout
    the emulator's whole-table walks fit in (see EMULATOR_READ_TIMEOUT_SECONDS)."""
    from django.conf import settings

    from medisecure import aws

    aws._cache["dynamodb"] = aws.build_client(
        "dynamodb",
        region=settings.AWS_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        access_key_id=settings.AWS_ACCESS_KEY_ID,
        secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        read_timeout=EMULATOR_READ_TIMEOUT_SECONDS,
    )


def _measure(counter, action, repeats: int) -> dict:
    times, portal_times, trips, reads = [], [], [], []
    for _ in range(repeats):
        calls = counter.calls()
        calls.reset()
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        portal_times.append(elapsed - calls.seconds)
        trips.append(sum(calls.round_trips.values()))
        reads.append(calls.items_read)
    median, p95 = bench_stack.median_p95(times)
    portal_median, portal_p95 = bench_stack.median_p95(portal_times)
    return {
        "median": median,
        "p95": p95,
        "portal_median": portal_median,
        "portal_p95": portal_p95,
        "round_trips": max(trips),
        "round_trips_min": min(trips),
        "items_read": max(reads),
    }


def _open(client, path: str) -> Callable:
    def action():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return action


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--requests", type=int, default=30, help="requests per page and size (default 30)")
    parser.add_argument("--pages", nargs="+", help="only these pages (names as printed)")
    parser.add_argument(
        "--naive-repeats", type=int, default=1, help="naive listings per page and size (default 1)"
    )
    args = parser.parse_args()

    local_stack = bench_stack.start()
    _patient_dynamodb_client()
    try:
        bench_stack.test_database()
        from bench.booking_load import open_hours

        people = bench_stack.demo_cast()
        cast = Cast(patient=people["patient"].sub, doctor=people["doctor"].sub)
        open_hours(people["doctor"])
        pages = [page for page in _pages() if not args.pages or page.name in args.pages]
        needed = {table for page in pages for table in page.tables}
        seeders = {table: make_item for table, make_item in _seeders().items() if table in needed}
        clients = {
            role: bench_stack.signed_in(bench_stack.demo_email(role)) for role in {p.role for p in pages}
        }
        print(f"# {bench_stack.machine_load()} at start", flush=True)
        page_rows, listing_rows, seeded = [], [], 0
        with bench_stack.DynamoCounter() as counter:
            for size in sorted(args.sizes):
                started = time.perf_counter()
                for table, make_item in seeders.items():
                    seed(table, make_item, seeded, size, cast)
                print(
                    f"# seeded {size} records per table in {time.perf_counter() - started:.0f} s; "
                    f"{bench_stack.machine_load()}",
                    flush=True,
                )
                seeded = size
                for page in pages:
                    client = clients[page.role]
                    _measure(counter, _open(client, page.path(cast)), WARM_UP)
                    row = _measure(counter, _open(client, page.path(cast)), args.requests)
                    page_rows.append((page.name, size, row))
                    print(
                        f"| {page.name} | {size} | {_ms(row['median'])} | {_ms(row['p95'])} | "
                        f"{_ms(row['portal_median'])} | {_ms(row['portal_p95'])} | {row['round_trips']} | "
                        f"{row['items_read']} |",
                        flush=True,
                    )
                    portal = _measure(counter, lambda: page.listing.portal(cast), max(3, args.naive_repeats))
                    naive = _measure(
                        counter,
                        lambda: naive_listing(page.listing.table, page.listing.naive_filter(cast)),
                        args.naive_repeats,
                    )
                    listing_rows.append((page.name, size, portal, naive))
        _report(page_rows, listing_rows, sorted(args.sizes))
    finally:
        local_stack.stop()


def _report(page_rows, listing_rows, sizes) -> None:
    print("\n## Pages\n")
    print(
        "| page | records per table | median ms | p95 ms | portal median ms | portal p95 ms "
        "| DynamoDB round trips | items read |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, row in page_rows:
        print(
            f"| {name} | {size:,} | {_ms(row['median'])} | {_ms(row['p95'])} | {_ms(row['portal_median'])} | "
            f"{_ms(row['portal_p95'])} | {row['round_trips']} | {row['items_read']} |"
        )
    print("\n## The same listing: Query (the portal) vs Scan with a filter (naive)\n")
    print(
        "| listing | records | Query ms | round trips | items read | Scan ms | round trips | items read "
        "| Scan / Query time |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, size, portal, naive in listing_rows:
        print(
            f"| {name} | {size:,} | {_ms(portal['median'])} | {portal['round_trips']} | {portal['items_read']} | "
            f"{_ms(naive['median'])} | {naive['round_trips']} | {naive['items_read']} | "
            f"{naive['median'] / portal['median']:.0f}x |"
        )
    print("\n## Checks (smallest vs largest size)\n")
    smallest, largest = sizes[0], sizes[-1]
    for name in dict.fromkeys(name for name, _, _ in page_rows):
        rows = {size: row for page, size, row in page_rows if page == name}
        first, last = rows[smallest], rows[largest]
        trips = {row["round_trips"] for row in rows.values()} | {
            row["round_trips_min"] for row in rows.values()
        }
        print(
            f"- {name}: round trips {'constant' if len(trips) == 1 else 'VARY ' + str(sorted(trips))} "
            f"({sorted(trips)[0]}); portal p95 {last['portal_p95'] / first['portal_p95']:.2f}x, "
            f"server p95 {last['p95'] / first['p95']:.2f}x at {largest:,} vs {smallest:,}"
        )
    print(f"\n# {bench_stack.machine_load()} at end")


if __name__ == "__main__":
    main()
