# Slovenian dates read "4. novembra 2026": the month in the genitive (Django's "E", translated
# through the "alt. month" context in our catalogue), without a leading zero on the day.
DATE_FORMAT = "j. E Y"
SHORT_DATE_FORMAT = "j. n. Y"
DATETIME_FORMAT = "j. E Y, H.i"
TIME_FORMAT = "H.i"
