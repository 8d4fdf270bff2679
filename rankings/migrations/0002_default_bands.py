from django.db import migrations

from rankings.defaults import create_default_bands


def create_bands(apps, schema_editor):
    create_default_bands(apps.get_model("rankings", "Band"))


class Migration(migrations.Migration):
    dependencies = [("rankings", "0001_initial")]

    operations = [migrations.RunPython(create_bands, migrations.RunPython.noop)]
