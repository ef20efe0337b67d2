"""Moments as people read them: the clinic's zone, words, no ISO, no UTC."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.utils import translation

from medisecure.clinic_time import age_on, clinic_date, clinic_datetime, clinic_time


def test_a_utc_moment_reads_in_the_clinics_zone_in_words(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    moment = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)

    assert clinic_datetime(moment) == "Wed 2 Dec 2026, 10:00 AM"
    assert clinic_time(moment) == "10:00 AM"


def test_a_stored_timestamp_reads_the_same_as_the_moment(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"

    assert clinic_datetime("2026-12-02T15:00:00.000000Z") == "Wed 2 Dec 2026, 10:00 AM"


def test_an_evening_visit_keeps_its_own_day_not_the_utc_one(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"

    assert clinic_date("2026-12-03T01:30:00.000000Z") == "Wed 2 Dec 2026"
    assert clinic_date(date(2026, 12, 2)) == "Wed 2 Dec 2026"


def test_spanish_pages_read_moments_in_spanish(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    with translation.override("es"):
        text = clinic_datetime(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))

    assert text.endswith("2026, 10:00") and "Dec" not in text


def test_the_template_filters_format_alike(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    template = Template(
        "{% load clinic_time %}{{ when|clinic_datetime }} · {{ when|clinic_date }} · {{ empty|clinic_time }}"
    )

    assert template.render(Context({"when": "2026-12-02T15:00:00.000000Z", "empty": ""})) == (
        "Wed 2 Dec 2026, 10:00 AM · Wed 2 Dec 2026 · "
    )


def test_age_counts_whole_years():
    assert age_on(date(1985, 4, 12), date(2026, 4, 11)) == 40
    assert age_on(date(1985, 4, 12), date(2026, 4, 12)) == 41


def test_the_audit_trails_moments_read_to_the_second_in_clinic_time(settings):
    from medisecure.clinic_time import clinic_datetime_to_second

    settings.CLINIC_TIME_ZONE = "America/New_York"
    shown = clinic_datetime_to_second("2026-12-02T15:00:07.123456Z")
    assert shown == "Wed 2 Dec 2026, 10:00:07 AM"
    assert "UTC" not in shown and "T15" not in shown
