import io
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from audit.domain import csv_line, timestamp_bound
from audit.management.commands._dates import iso_day
from audit.selectors import audit_disclosures
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST, Actor

COLUMNS = ("when", "who", "role", "action", "outcome", "what")


class Command(BaseCommand):
    help = (
        "Accounting of disclosures: every recorded access to one patient's record in a "
        "period (UTC days, inclusive), as CSV on standard output or into --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patient", required=True, help="the patient's id")
        parser.add_argument("--since", type=iso_day, help="first day (default: six years ago)")
        parser.add_argument("--until", type=iso_day, help="last day (default: today)")
        parser.add_argument("--output", help="write the report to this file instead of standard output")

    def handle(self, *args, patient, since, until, output, **options):
        today = clock.recorded_now().date()  # the trail's own clock: when its events were written
        # HIPAA's accounting of disclosures covers the six years before a request.
        since = since or today - timedelta(days=6 * 365)
        until = until or today
        if until < since:
            raise CommandError("--until is before --since.")
        rows = audit_disclosures(
            patient_id=patient,
            since=timestamp_bound(since, end=False),
            until=timestamp_bound(until, end=True),
            actor=Actor(user_id="system:audit_report", role="operator"),
            audit=NO_REQUEST,
        )
        report = io.StringIO()
        report.write(
            f"# Accounting of disclosures for patient {patient}, {since} to {until}: {len(rows)} accesses\n"
        )
        # The admin's export's own writer: no cell runs as a formula.
        report.write(csv_line(COLUMNS))
        for row in rows:
            report.write(csv_line(row.get(column, "") for column in COLUMNS))
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(report.getvalue())
            self.stderr.write(f"Wrote {len(rows)} accesses to {output}")
        else:
            self.stdout.write(report.getvalue(), ending="")
