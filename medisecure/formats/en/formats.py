# How a person reads a moment in English pages and emails (medisecure.clinic_time).
DATETIME_FORMAT = "D j M Y, g:i A"
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "g:i A"
SHORT_DATE_FORMAT = "j M Y"
# medisecure.clinic_time's own: an email's day of a visit, a day of the next weeks.
LONG_DATE_FORMAT = "l j F Y"
WEEKDAY_DAY_FORMAT = "l j F"
