# How a person reads a moment in Spanish pages and emails (medisecure.clinic_time).
DATETIME_FORMAT = "D j M Y, H:i"
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
# medisecure.clinic_time's own: an email's day of a visit, a day of the next weeks.
LONG_DATE_FORMAT = r"l j \d\e F \d\e Y"
WEEKDAY_DAY_FORMAT = r"l j \d\e F"
