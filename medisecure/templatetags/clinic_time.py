"""{% load clinic_time %}: `{{ moment|clinic_datetime }}`, `|clinic_date`,
`|clinic_time` (medisecure.clinic_time), for aware datetimes and stored
timestamps alike."""

from datetime import date

from django import template

from medisecure import clinic_time as formatting
from medisecure import clock

register = template.Library()
register.filter("clinic_datetime", formatting.clinic_datetime)
register.filter("clinic_datetime_to_second", formatting.clinic_datetime_to_second)
register.filter("clinic_date", formatting.clinic_date)
register.filter("clinic_time", formatting.clinic_time)
register.filter("clinic_long_date", formatting.clinic_long_date)
register.filter("clinic_day", formatting.clinic_day)


@register.filter
def age_in_years(birth) -> str:
    """ "41": whole years from a date of birth (a date or "1985-04-12") to
    today in the clinic's zone; "" for none."""
    if not birth:
        return ""
    if isinstance(birth, str):
        birth = date.fromisoformat(birth)
    return str(formatting.age_on(birth, formatting.in_clinic(clock.now()).date()))
