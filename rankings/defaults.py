"""Default bands, after the UN E-Government Development Index; created by a migration, editable in the admin."""

DEFAULT_BANDS = [
    # from percent, name, English name
    (75, "Rất cao", "Very high"),
    (50, "Cao", "High"),
    (25, "Trung bình", "Middle"),
    (0, "Thấp", "Low"),
]


def create_default_bands(Band):
    """Create the bands when there are none; `Band` may be a migration's historical model."""
    if not Band.objects.exists():
        Band.objects.bulk_create(
            Band(min_percent=min_percent, name=name, name_en=name_en) for min_percent, name, name_en in DEFAULT_BANDS
        )
