from django.db import migrations


def give_each_year_and_block_its_groups(apps, schema_editor):
    """The groups were shared by every year: each year and block with criteria gets copies of them."""
    CriteriaGroup = apps.get_model("criteria", "CriteriaGroup")
    Criterion = apps.get_model("criteria", "Criterion")
    shared = list(CriteriaGroup.objects.filter(year__isnull=True))
    for year_id, block_id in Criterion.objects.order_by().values_list("year_id", "agency_group_id").distinct():
        for group in shared:
            copy = CriteriaGroup.objects.create(
                year_id=year_id, agency_group_id=block_id, code=group.code, name=group.name, name_en=group.name_en,
                short_name=group.short_name, short_name_en=group.short_name_en, order=group.order,
            )
            Criterion.objects.filter(year_id=year_id, agency_group_id=block_id, criteria_group=group).update(
                criteria_group=copy)
    CriteriaGroup.objects.filter(year__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("criteria", "0005_groups_per_year_and_scoring_rules")]

    operations = [
        migrations.RunPython(give_each_year_and_block_its_groups, migrations.RunPython.noop),
    ]
