"""UnitStat and PoolStat leave reports for reviews (reviews 0003). State only: the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_unitstat_subtree_index"),
        ("reviews", "0003_stats_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PoolStat"),
                migrations.DeleteModel(name="UnitStat"),
            ]
        )
    ]
