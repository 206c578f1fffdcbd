# British English for a European audience: "4 November 2026", 24-hour clock.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j/n/Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
