from django.db import migrations

from criteria.defaults import create_criteria_groups


def create_groups(apps, schema_editor):
    create_criteria_groups(apps.get_model("criteria", "CriteriaGroup"))


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
