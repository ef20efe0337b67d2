"""`manage.py analytics_rebuild`: recompute every analytics counter from the
source tables (analytics.rebuild), an operator's repair after a projector
bug. Stop the projectors first; the read is throttled by
ANALYTICS_REBUILD_PAGES_PER_SECOND (or --pages-per-second)."""

from django.core.management.base import BaseCommand

from analytics.rebuild import analytics_rebuild


class Command(BaseCommand):
    help = "Recompute every analytics counter from the sign-ups, patients and appointments tables."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pages-per-second",
            type=float,
            default=None,
            help="At most this many Scan pages (100 items) a second; the setting by default.",
        )

    def handle(self, *args, **options):
        rebuilt = analytics_rebuild(pages_per_second=options["pages_per_second"])
        self.stdout.write(
            f"Read {rebuilt.items_read} items; {rebuilt.counters_written} counters set, "
            f"{rebuilt.counters_unchanged} already right."
        )
