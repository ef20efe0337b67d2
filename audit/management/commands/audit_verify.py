from datetime import datetime, timezone

from django.core.management.base import BaseCommand, CommandError

from audit.domain import timestamp_bound
from audit.management.commands._dates import iso_day
from audit.review import audit_verify
from audit.services import Actor


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains for a period (UTC days, inclusive). "
        "Exits non-zero and names each missing or altered event when a chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=iso_day, required=True, help="first day, e.g. 2026-01-01")
        parser.add_argument("--until", type=iso_day, help="last day (default: today)")

    def handle(self, *args, since, until, **options):
        until = until or datetime.now(timezone.utc).date()
        if until < since:
            raise CommandError("--until is before --since.")
        verdict = audit_verify(
            since=timestamp_bound(since, end=False),
            until=timestamp_bound(until, end=True),
            actor=Actor(user_id="system:audit_verify", role="operator"),
        )
        self.stdout.write(
            f"Checked {verdict.events_checked} events in {verdict.chains_checked} chains from {since} to {until}."
        )
        if verdict.intact:
            self.stdout.write(self.style.SUCCESS("Every chain is intact."))
            return
        for finding in verdict.findings:
            self.stdout.write(f"{finding.kind.upper():13} {finding.chain_id} seq {finding.chain_seq}: {finding.message}")
        raise CommandError(f"The audit trail is broken: {len(verdict.findings)} finding(s).")
