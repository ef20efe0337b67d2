from django.core.management.base import BaseCommand, CommandError

from audit.archive.services import TargetNotEmpty, archive_restore
from medisecure.identity.actors import NO_REQUEST, Actor


class Command(BaseCommand):
    help = (
        "Rebuild the audit trail from the write-once archive alone: every archived event, as "
        "first written, and each chain's head, into an empty DynamoDB table (with the audit "
        "table's keys and indexes). Run with an operator's credentials, not the portal's."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-archive", action="store_true", required=True, help="restore from the archive"
        )
        parser.add_argument("--into", required=True, metavar="TABLE", help="the empty table to restore into")

    def handle(self, *args, into, **options):
        try:
            restored = archive_restore(
                actor=Actor(user_id="system:audit_restore", role="operator"), audit=NO_REQUEST, into=into
            )
        except TargetNotEmpty as error:
            raise CommandError(f"{error} is not empty: restore only into an empty table.") from error
        self.stdout.write(
            f"Restored {restored.events} events in {restored.chains} chains into {restored.table}."
        )
