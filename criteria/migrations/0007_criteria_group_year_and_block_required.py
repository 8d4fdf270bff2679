import django.db.models.deletion
from django.db import migrations, models


# Apart from the data migration before it: PostgreSQL cannot alter a table with the updates' checks still pending.
class Migration(migrations.Migration):
    dependencies = [("criteria", "0006_criteria_groups_belong_to_a_year")]

    operations = [
        migrations.AlterField(
            model_name="criteriagroup",
            name="agency_group",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="criteria_groups",
                                    to="agencies.agencygroup", verbose_name="block"),
        ),
        migrations.AlterField(
            model_name="criteriagroup",
            name="year",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="criteria_groups",
                                    to="criteria.evaluationyear", verbose_name="year"),
        ),
    ]
