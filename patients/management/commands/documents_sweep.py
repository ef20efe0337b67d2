from django.core.management.base import CommandError

from medisecure.identity.actors import NO_REQUEST, Actor
from medisecure.observability.jobs import ScheduledCommand
from patients.documents.services import documents_sweep

DEFAULT_MINUTES = 60
# The sweep's events name it as the operator's command it is.
SWEEPER = Actor(user_id="system:documents_sweep", role="operator")


class Command(ScheduledCommand):
    job_name = "documents_sweep"
    help = (
        "Delete stored document files that no document record names (left by an upload that failed "
        "between S3 and DynamoDB). Only files older than --older-than-minutes are touched, so uploads "
        "in progress are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=DEFAULT_MINUTES,
            help=f"leave files younger than this alone (default {DEFAULT_MINUTES})",
        )

    def handle(self, *args, older_than_minutes, **options):
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes cannot be negative.")
        result = documents_sweep(actor=SWEEPER, audit=NO_REQUEST, older_than_minutes=older_than_minutes)
        self.stdout.write(
            f"Checked {result.checked} stored files; removed {result.removed} with no document record."
        )
