"""Default bands, after the UN E-Government Development Index: very high, high, middle, low."""

from django.db import migrations

DEFAULT_BANDS = [
    (75, "Rất cao", "Very high"),
    (50, "Cao", "High"),
    (25, "Trung bình", "Middle"),
    (0, "Thấp", "Low"),
]


def create_bands(apps, schema_editor):
    Band = apps.get_model("rankings", "Band")
    for min_percent, name, name_en in DEFAULT_BANDS:
        Band.objects.get_or_create(min_percent=min_percent, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("rankings", "0001_initial")]

    operations = [migrations.RunPython(create_bands, migrations.RunPython.noop)]
