import logging

from django.core.management.base import BaseCommand, CommandError

from audit.domain import timestamp_bound
from audit.management.commands._dates import iso_day
from audit.selectors import audit_verify, audit_verify_scheduled
from audit.verification_repository import RunOverlapped
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST, Actor

# The stack's log metric filter counts this line and alarms on it.
BROKEN_LOG_LINE = "audit verification found the trail broken"
logger = logging.getLogger("medisecure.alerts")


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chains, and the table against the write-once archive, "
        "for a period (UTC days, inclusive), or with --scheduled from where the last scheduled "
        "run got to. Exits non-zero and names each missing, altered, re-sealed or reordered "
        "event when the trail is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=iso_day, help="first day, e.g. 2026-01-01")
        parser.add_argument("--until", type=iso_day, help="last day (default: today)")
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help="the nightly run: what is new since the last scheduled run, recorded for the admin",
        )

    def handle(self, *args, since, until, scheduled, **options):
        if scheduled == bool(since):
            raise CommandError("Give either --since or --scheduled.")
        if scheduled:
            try:
                verdict, run = audit_verify_scheduled(
                    actor=Actor(user_id="system:audit_verify", role="operator"), audit=NO_REQUEST
                )
            except RunOverlapped as error:
                raise CommandError("Another scheduled verification recorded its run first.") from error
            self.stdout.write(f"Checked {verdict.events_checked} events from {run.since} to {run.until}.")
        else:
            until = (
                until or clock.recorded_now().date()
            )  # the trail's own clock: when its events were written
            if until < since:
                raise CommandError("--until is before --since.")
            verdict = audit_verify(
                since=timestamp_bound(since, end=False),
                until=timestamp_bound(until, end=True),
                actor=Actor(user_id="system:audit_verify", role="operator"),
                audit=NO_REQUEST,
            )
            self.stdout.write(
                f"Checked {verdict.events_checked} events in {verdict.chains_checked} chains from {since} to {until}."
            )
        if verdict.intact:
            self.stdout.write(self.style.SUCCESS("Every chain is intact."))
            return
        for finding in verdict.findings:
            self.stdout.write(
                f"{finding.kind.upper():13} {finding.chain_id} seq {finding.chain_seq}: {finding.message}"
            )
        logger.error("%s: %d finding(s)", BROKEN_LOG_LINE, len(verdict.findings))
        raise CommandError(f"The audit trail is broken: {len(verdict.findings)} finding(s).")
