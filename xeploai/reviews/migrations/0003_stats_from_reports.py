"""UnitStat and PoolStat move from reports to reviews: a projection of the evaluations, written
by reviews' services (docs/decisions/0006-layer-order.md). State only: the tables keep their
names (reports_unitstat, reports_poolstat), their rows and their indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cycles', '0002_notice'),
        ('org', '0004_person_name_trigram'),
        ('reviews', '0002_followup'),
        ('reports', '0003_unitstat_subtree_index'),  # the tables exist
    ]

    state_operations = [
        migrations.CreateModel(
            name='PoolStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decider_path', models.CharField(max_length=255)),
                ('block', models.CharField(max_length=20)),
                ('group', models.CharField(max_length=30)),
                ('bucket', models.CharField(max_length=30)),
                ('n', models.IntegerField(default=0)),
                ('decider', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.orgunit')),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cycles.period')),
            ],
            options={
                'verbose_name': 'số liệu theo cấp quyết định và nhóm',
                'verbose_name_plural': 'số liệu theo cấp quyết định và nhóm',
                'db_table': 'reports_poolstat',
                'indexes': [models.Index(fields=['period', 'decider_path'], name='reports_poo_period__14a659_idx')],
                'constraints': [models.UniqueConstraint(fields=('period', 'decider', 'block', 'group', 'bucket'), name='poolstat_unique')],
            },
        ),
        migrations.CreateModel(
            name='UnitStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(max_length=255)),
                ('depth', models.PositiveSmallIntegerField()),
                ('block', models.CharField(max_length=20)),
                ('bucket', models.CharField(max_length=30)),
                ('n', models.IntegerField(default=0)),
                ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cycles.period')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.orgunit')),
            ],
            options={
                'verbose_name': 'số liệu tổng hợp theo tổ chức',
                'verbose_name_plural': 'số liệu tổng hợp theo tổ chức',
                'db_table': 'reports_unitstat',
                'indexes': [models.Index(fields=['period', 'depth', 'path'], name='reports_uni_period__7106f5_idx')],
                'constraints': [models.UniqueConstraint(fields=('period', 'path', 'block', 'bucket'), name='unitstat_unique')],
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
