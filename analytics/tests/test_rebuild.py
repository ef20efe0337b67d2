"""`manage.py analytics_rebuild` recounts every counter from the source
tables: what it writes equals what the projectors streamed, it repairs a
counter a bug moved, and bookings streamed after it count as they should."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from analytics import handlers, rebuild_repository
from analytics.domain import FIRST_BOOKING
from analytics.rebuild import analytics_rebuild
from analytics.tests.support import A_MONTH, a_month, appointment, at, counters, project
from medisecure import dynamo
from medisecure.tables import ANALYTICS

pytestmark = pytest.mark.django_db


def test_the_rebuilt_counters_equal_the_streamed_ones(aws):
    a_month()
    project()
    streamed = counters()

    output = StringIO()
    call_command("analytics_rebuild", "--pages-per-second", "1000", stdout=output)

    assert counters() == streamed == A_MONTH
    assert "counters set" in output.getvalue()


def test_a_rebuild_from_nothing_makes_what_the_projectors_would_have(aws):
    a_month()

    analytics_rebuild(pages_per_second=1000)

    assert counters() == A_MONTH


def test_a_rebuild_repairs_a_counter_a_bug_moved_and_one_nothing_stands_for(aws):
    a_month()
    project()
    rebuild_repository.counter_set("appointments", "2026-W10#booked", 7)
    rebuild_repository.counter_set("specialty", "2026-W20#Nowhere#booked", 3)

    analytics_rebuild(pages_per_second=1000)

    assert counters() == A_MONTH


def test_a_rebuild_puts_back_the_first_booking_markers_so_a_next_booking_counts_as_returning(aws):
    a_month()
    project()
    for cell in rebuild_repository.partition(FIRST_BOOKING):
        dynamo.client().delete_item(
            TableName=dynamo.name(ANALYTICS), Key=dynamo.to_item({"metric": FIRST_BOOKING, "cell": cell})
        )
    handlers._FIRSTS.clear()  # a projector started afresh knows only the markers

    analytics_rebuild(pages_per_second=1000)
    appointment("a5", "p1", created=at(24, 9), start=at(26, 10))
    project()

    found = counters()
    assert found["patients"] == {**A_MONTH["patients"], "2026-W13#returning": 1}
    assert found["funnel"] == A_MONTH["funnel"]


def test_the_full_read_keeps_to_its_rate(aws, monkeypatch):
    pauses = []
    monkeypatch.setattr(rebuild_repository.time, "sleep", pauses.append)
    monkeypatch.setattr(rebuild_repository, "SCAN_PAGE", 2)
    a_month()

    analytics_rebuild(pages_per_second=4)

    assert pauses and all(0 < pause <= 0.25 for pause in pauses)
