from django.db import migrations

from common.vietnamese import searchable, sort_key


def make_participants(apps, schema_editor):
    """Every agency scored in a year took part in it, in the block of its criteria, under its name of today (the
    names of earlier years were not kept until now: staff correct them in the admin)."""
    Score = apps.get_model("rankings", "Score")
    Agency = apps.get_model("agencies", "Agency")
    Participant = apps.get_model("rankings", "Participant")
    agencies = {agency.pk: agency for agency in Agency.objects.all()}
    blocks = {(agency_id, year_id): block_id for agency_id, year_id, block_id in Score.objects.order_by().values_list(
        "agency_id", "criterion__year_id", "criterion__agency_group_id").distinct()}
    Participant.objects.bulk_create(
        Participant(year_id=year_id, agency_id=agency_id, block_id=block_id, name=agencies[agency_id].name,
                    short_name=agencies[agency_id].short_name,
                    sort_key=sort_key(agencies[agency_id].short_name or agencies[agency_id].name),
                    search_text=searchable(agencies[agency_id].name, agencies[agency_id].short_name))
        for (agency_id, year_id), block_id in blocks.items()
    )


class Migration(migrations.Migration):
    dependencies = [("rankings", "0007_not_applicable_figures_participants"),
                    ("agencies", "0004_search_without_punctuation")]

    operations = [migrations.RunPython(make_participants, migrations.RunPython.noop)]
