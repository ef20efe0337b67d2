# How a person reads a moment in Spanish pages and emails (medisecure.clinic_time).
# "b", not "M": Django's "M" title-cases the month ("Dic"); Spanish writes
# its abbreviated months in lower case ("dic"), as it does its weekdays.
DATETIME_FORMAT = "D j b Y, H:i"
DATE_FORMAT = "D j b Y"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j b Y"
# medisecure.clinic_time's own: an email's day of a visit, a day of the next weeks.
LONG_DATE_FORMAT = r"l j \d\e F \d\e Y"
WEEKDAY_DAY_FORMAT = r"l j \d\e F"
