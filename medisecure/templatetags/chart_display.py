"""{% load chart_display %}: `{{ phone|phone_national }}` and
`{{ emergency_access|other_than:patient_id }}`, for the pages that show a
patient to the people caring for them."""

from __future__ import annotations

import phonenumbers
from django import template
from django.conf import settings

register = template.Library()


@register.filter
def phone_national(value: str) -> str:
    """A stored E.164 number as people in the clinic's country dial it,
    "(212) 555-0143"; a number from another country keeps its country
    code ("+44 20 7946 0018"); anything that does not parse, as stored."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    home = phonenumbers.region_code_for_number(number) == settings.PHONE_DEFAULT_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


@register.filter
def other_than(held: list[dict], patient_id: str) -> list[dict]:
    """The emergency grants the doctor holds, but the one for the chart the
    page shows: that chart's header says so itself (with the grant read
    from DynamoDB, not the session), and one banner is enough."""
    return [grant for grant in held or () if grant["patient_id"] != patient_id]
