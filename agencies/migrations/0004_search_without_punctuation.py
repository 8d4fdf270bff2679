from django.db import migrations

from common.vietnamese import searchable


def recompute_search_text(apps, schema_editor):
    """The search now ignores spaces and punctuation too ("tttt" finds "Sở TT&TT")."""
    Agency = apps.get_model("agencies", "Agency")
    agencies = list(Agency.objects.all())
    for agency in agencies:
        agency.search_text = searchable(agency.name, agency.short_name)
    Agency.objects.bulk_update(agencies, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_blocks_in_years_and_successions")]

    operations = [migrations.RunPython(recompute_search_text, migrations.RunPython.noop)]
