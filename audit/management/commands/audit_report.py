import csv
import io
from datetime import datetime, timedelta, timezone

from django.core.management.base import BaseCommand, CommandError

from audit.domain import timestamp_bound
from audit.management.commands._dates import iso_day
from audit.review import audit_disclosures
from audit.services import Actor

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
        today = datetime.now(timezone.utc).date()
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
        )
        report = io.StringIO()
        report.write(f"# Accounting of disclosures for patient {patient}, {since} to {until}: {len(rows)} accesses\n")
        writer = csv.DictWriter(report, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(report.getvalue())
            self.stderr.write(f"Wrote {len(rows)} accesses to {output}")
        else:
            self.stdout.write(report.getvalue(), ending="")
