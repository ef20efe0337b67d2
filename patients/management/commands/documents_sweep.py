from django.core.management.base import BaseCommand, CommandError

from patients.documents_services import documents_sweep

DEFAULT_MINUTES = 60


class Command(BaseCommand):
    help = (
        "Delete stored document files that no document record names (left by an upload that failed "
        "between S3 and DynamoDB). Only files older than --older-than-minutes are touched, so uploads "
        "in progress are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes", type=int, default=DEFAULT_MINUTES,
            help=f"leave files younger than this alone (default {DEFAULT_MINUTES})",
        )

    def handle(self, *args, older_than_minutes, **options):
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes cannot be negative.")
        result = documents_sweep(older_than_minutes=older_than_minutes)
        self.stdout.write(f"Checked {result.checked} stored files; removed {result.removed} with no document record.")
