# Dates for readers abroad, with the month in words (20 May 2020): a Vietnamese reader of 05/20/2020 would read
# the twentieth month; the rest is Django's English.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
