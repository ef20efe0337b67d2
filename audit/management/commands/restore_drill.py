import logging
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from audit.restore_drill.domain import report_lines
from audit.restore_drill.repository import RestoreRefused, RestoreTimedOut
from audit.restore_drill.services import PointInTimeRecoveryOff, RestoreTablesExist, restore_drill
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST, Actor

# The same words the nightly verification logs, so the stack's metric filter
# and its alarm count a broken restored trail as they count a broken live one.
BROKEN_LOG_LINE = "audit verification found the trail broken"
logger = logging.getLogger("medisecure.alerts")


def point_in_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"not an ISO 8601 time: {value!r}") from error
    # A time without a zone is read as UTC, the zone every stored time is in.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Restore every DynamoDB table as it was at --to-time into {TABLE_PREFIX}restore-* tables, "
        "verify the audit chains there, compare each table's item count with the live one, print "
        "the report and remove the restore tables (unless --keep). Exits non-zero when a restore "
        "fails or the restored trail is broken. Run with an operator's credentials, not the portal's."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to-time",
            required=True,
            type=point_in_time,
            metavar="ISO",
            help="the point in time, e.g. 2026-12-03T04:00:00Z (UTC when no zone is given)",
        )
        parser.add_argument("--keep", action="store_true", help="leave the restore tables in place")
        parser.add_argument(
            "--wait-minutes",
            type=float,
            default=240,
            help="how long to wait for the restores to become ACTIVE (default 240)",
        )

    def handle(self, *args, to_time, keep, wait_minutes, **options):
        if to_time > clock.recorded_now():
            raise CommandError("--to-time is in the future.")
        try:
            report = restore_drill(
                actor=Actor(user_id="system:restore_drill", role="operator"),
                audit=NO_REQUEST,
                to_time=to_time,
                keep=keep,
                wait_seconds=wait_minutes * 60,
            )
        except PointInTimeRecoveryOff as error:
            raise CommandError(f"Point-in-time recovery is off for: {error}") from error
        except RestoreTablesExist as error:
            raise CommandError(
                f"Restore tables of an earlier drill are still there; delete them first: {error}"
            ) from error
        except RestoreRefused as error:
            raise CommandError(f"DynamoDB refused the restore of {error}") from error
        except RestoreTimedOut as error:
            raise CommandError(f"Not ACTIVE within {wait_minutes:g} minutes: {error}") from error
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.passed:
            logger.error("%s: %d finding(s) in a restore", BROKEN_LOG_LINE, len(report.verdict.findings))
            raise CommandError("The restored audit trail is broken.")
