"""`manage.py stream_consumer`: the stream consumers of settings.STREAM_CONSUMERS.

    manage.py stream_consumer            # hand over what is waiting, once
    manage.py stream_consumer --follow   # and keep going until stopped (make run)
    manage.py stream_consumer --lag      # how far behind each consumer is

In AWS the same handlers run as Lambda functions behind event source
mappings; this command is the local stack's (and any operator's) way to run
them against a table's stream."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from medisecure import clock
from medisecure.streams import StreamConsumer
from medisecure.tables import TABLES


def consumers(names: list[str] | None = None) -> list[StreamConsumer]:
    """The configured consumers (all, or those named)."""
    configured = settings.STREAM_CONSUMERS
    unknown = set(names or ()) - set(configured)
    if unknown:
        raise CommandError(f"no such stream consumer: {', '.join(sorted(unknown))}")
    by_name = {table.name: table for table in TABLES}
    return [
        StreamConsumer(by_name[spec["table"]], import_string(spec["handler"]), name=name)
        for name, spec in configured.items()
        if not names or name in names
    ]


class Command(BaseCommand):
    help = "Run the stream consumers (settings.STREAM_CONSUMERS) against their tables' DynamoDB streams."

    def add_arguments(self, parser):
        parser.add_argument("--consumer", action="append", help="only this consumer (repeatable)")
        parser.add_argument("--follow", action="store_true", help="keep reading until stopped")
        parser.add_argument("--lag", action="store_true", help="report each consumer's lag and stop")

    def handle(self, *args, consumer=None, follow=False, lag=False, **options):
        chosen = consumers(consumer)
        if lag:
            now = clock.now()
            for each in chosen:
                lags = each.lag()
                worst = max((shard.seconds(now) for shard in lags), default=0.0)
                self.stdout.write(
                    f"{each.name} ({each.table.name}): oldest unhandled record {worst:.1f} s old, "
                    f"{len(lags)} open shard(s)"
                )
            return
        if not follow:
            for each in chosen:
                self.stdout.write(f"{each.name}: handed over {each.poll()} record(s)")
            return
        stop = threading.Event()
        for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(stop_signal, lambda signum, frame: stop.set())
        threads = [
            threading.Thread(target=each.follow, args=(stop,), name=f"stream-{each.name}", daemon=True)
            for each in chosen
        ]
        for thread in threads:
            thread.start()
        self.stdout.write(f"following {', '.join(each.name for each in chosen)}", ending="\n")
        self.stdout.flush()
        while not stop.wait(1.0):
            pass
        for thread in threads:
            thread.join(timeout=10)
