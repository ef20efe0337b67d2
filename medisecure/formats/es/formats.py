# How a person reads a moment in Spanish pages and emails (medisecure.clinic_time).
DATETIME_FORMAT = "D j M Y, H:i"
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
