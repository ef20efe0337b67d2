# How a person reads a moment in English pages and emails (medisecure.clinic_time).
DATETIME_FORMAT = "D j M Y, g:i A"
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "g:i A"
SHORT_DATE_FORMAT = "j M Y"
