# Dates as the province writes them (20/05/2020); the rest is Django's Vietnamese.
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
