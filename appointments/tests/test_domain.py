"""The slot grid, its time zone handling and the availability rules, without AWS."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments.domain import (
    IN_PAST,
    NOT_ON_GRID,
    OUTSIDE_AVAILABILITY,
    TOO_FAR_AHEAD,
    Availability,
    Break,
    ExtraHours,
    SlotRefused,
    WeeklyRule,
    availability_problems,
    free_slots,
    lock_ids,
    nearest_slots,
    slot_starting,
    slots_on,
)

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = 0
SUNDAY = 6
# 2026: clocks go forward on Sunday 8 March and back on Sunday 1 November.
BEFORE_SPRING = date(2026, 3, 2)  # a Monday, EST (UTC-5)
AFTER_SPRING = date(2026, 3, 9)  # the next Monday, EDT (UTC-4)
UTC = UTC


def mornings(slot_minutes=30, breaks=()):
    return Availability("doc", rules=(WeeklyRule(MONDAY, time(9), time(12), slot_minutes, breaks),))


def test_it_keeps_a_nine_oclock_slot_at_nine_local_across_the_spring_dst_change():
    before = slots_on(mornings(), BEFORE_SPRING, NEW_YORK)[0]
    after = slots_on(mornings(), AFTER_SPRING, NEW_YORK)[0]

    assert before.start == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert after.start == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert before.start.astimezone(NEW_YORK).time() == after.start.astimezone(NEW_YORK).time() == time(9)


def test_it_keeps_local_times_across_the_autumn_dst_change():
    availability = Availability("doc", rules=(WeeklyRule(MONDAY, time(9), time(10), 60),))

    before = slots_on(availability, date(2026, 10, 26), NEW_YORK)[0]
    after = slots_on(availability, date(2026, 11, 2), NEW_YORK)[0]

    assert (before.start.hour, after.start.hour) == (13, 14)


def test_it_skips_the_hour_the_clocks_skip_and_keeps_slot_lengths_real():
    night = Availability("doc", rules=(WeeklyRule(SUNDAY, time(1), time(4), 30),))

    slots = slots_on(night, date(2026, 3, 8), NEW_YORK)

    local_starts = [slot.start.astimezone(NEW_YORK).strftime("%H:%M") for slot in slots]
    assert local_starts == ["01:00", "01:30", "03:00", "03:30"]
    assert all(slot.minutes == 30 for slot in slots)


def test_it_leaves_out_slots_that_overlap_a_break():
    slots = slots_on(mornings(breaks=(Break(time(10), time(10, 30)),)), BEFORE_SPRING, NEW_YORK)

    assert [slot.start.astimezone(NEW_YORK).strftime("%H:%M") for slot in slots] == [
        "09:00",
        "09:30",
        "10:30",
        "11:00",
        "11:30",
    ]


def test_a_day_off_cancels_the_weekly_hours_but_not_extra_hours():
    availability = Availability(
        "doc",
        rules=mornings().rules,
        days_off=(BEFORE_SPRING,),
        extra_hours=(ExtraHours(BEFORE_SPRING, time(14), time(15), 60),),
    )

    slots = slots_on(availability, BEFORE_SPRING, NEW_YORK)

    assert [slot.start.astimezone(NEW_YORK).hour for slot in slots] == [14]


def test_it_refuses_a_slot_in_the_past_off_the_grid_outside_hours_or_too_far_ahead():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    horizon = timedelta(weeks=4)
    nine = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)

    assert slot_starting(mornings(), nine, NEW_YORK, now=now, horizon=horizon).minutes == 30
    for start, problem in (
        (nine, IN_PAST),
        (nine + timedelta(minutes=10), NOT_ON_GRID),
        (nine + timedelta(hours=5), OUTSIDE_AVAILABILITY),
        (nine + timedelta(weeks=5), TOO_FAR_AHEAD),
    ):
        when = now if problem != IN_PAST else nine + timedelta(minutes=1)
        with pytest.raises(SlotRefused) as refused:
            slot_starting(mornings(), start, NEW_YORK, now=when, horizon=horizon)
        assert refused.value.problem == problem


def test_booked_and_past_slots_are_not_free():
    slots = slots_on(mornings(), BEFORE_SPRING, NEW_YORK)
    taken = [(slots[2].start, slots[2].end)]

    free = free_slots(slots, taken, now=slots[0].start)

    assert free == [slots[1], *slots[3:]]
    assert nearest_slots(free, slots[2].start, count=2) == [slots[1], slots[3]]


def test_overlapping_bookings_of_different_lengths_share_lock_units():
    start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    hour = lock_ids(provider_id="doc", patient_id="a", start=start, end=start + timedelta(minutes=60))
    later_quarter = lock_ids(
        provider_id="doc",
        patient_id="b",
        start=start + timedelta(minutes=45),
        end=start + timedelta(minutes=60),
    )

    assert set(hour) & set(later_quarter)
    assert len(hour) == 24


@pytest.mark.parametrize(
    "rule, field",
    [
        (WeeklyRule(MONDAY, time(12), time(9), 30), "end"),
        (WeeklyRule(MONDAY, time(9), time(12), 5), "slot_minutes"),
        (WeeklyRule(MONDAY, time(9), time(12), 90), "slot_minutes"),
        (WeeklyRule(MONDAY, time(9), time(12), 12), "slot_minutes"),
        (WeeklyRule(MONDAY, time(9, 7), time(12), 30), "start"),
        (WeeklyRule(MONDAY, time(9), time(12), 30, (Break(time(13), time(14)),)), "breaks"),
    ],
)
def test_it_ties_each_broken_rule_to_its_field(rule, field):
    problems = availability_problems(Availability("doc", rules=(rule,)))

    assert field in [problem.field for problem in problems]


def test_it_refuses_overlapping_hours_on_the_same_day():
    availability = Availability(
        "doc",
        rules=(WeeklyRule(MONDAY, time(9), time(12), 30), WeeklyRule(MONDAY, time(11), time(14), 30)),
        extra_hours=(ExtraHours(BEFORE_SPRING, time(10), time(11), 30),),
    )

    problems = availability_problems(availability)

    assert [(p.kind, p.position, p.field) for p in problems] == [
        ("rules", 1, "start"),
        ("extra_hours", 0, "start"),
    ]
