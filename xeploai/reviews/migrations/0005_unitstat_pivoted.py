"""UnitStat pivoted: one row per (period, unit, block) with one integer column per bucket,
instead of one row per (period, unit, block, bucket) (issue 19 §2: a report of a unit with 300
children read ~5,000 rows; it now reads ~1,200).

The existing rows are converted in place, in portable SQL (PostgreSQL and SQLite): the new
columns are added at 0, one row per (period, path, block) is inserted with the sums (marked by
a bucket "*" that no old row has, so the old unique key still holds), the old rows are deleted,
then the bucket and n columns and the old unique key go."""

from django.db import migrations, models

BUCKETS = {
    "PENDING": "pending",
    "HTXSNV": "htxsnv",
    "HTTNV": "httnv",
    "HTNV": "htnv",
    "KHTNV": "khtnv",
    "NR:CHIA_TACH_SAP_NHAP": "nr_chia_tach_sap_nhap",
    "NR:DINH_CHI_SINH_HOAT": "nr_dinh_chi_sinh_hoat",
    "NR:KHAC": "nr_khac",
    "NR:MIEN_SINH_HOAT": "nr_mien_sinh_hoat",
    "NR:MOI_BO_NHIEM_DUOI_6T": "nr_moi_bo_nhiem_duoi_6t",
    "NR:MOI_KET_NAP_DUOI_6T": "nr_moi_ket_nap_duoi_6t",
    "NR:MOI_THANH_LAP": "nr_moi_thanh_lap",
    "NR:VANG_MAT_CHUA_XL": "nr_vang_mat_chua_xl",
}
TABLE = "reports_unitstat"


def pivot(apps, schema_editor):
    connection = schema_editor.connection
    columns = ", ".join(BUCKETS.values())
    sums = ", ".join(
        f"SUM(CASE WHEN bucket = '{bucket}' THEN n ELSE 0 END)" for bucket in BUCKETS
    )
    known = ", ".join(f"'{bucket}'" for bucket in BUCKETS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE n <> 0 AND bucket NOT IN ({known})")
        (unknown,) = cursor.fetchone()
        if unknown:
            raise RuntimeError(f"{unknown} statistics rows in a bucket outside the thirteen")
        cursor.execute(
            f"INSERT INTO {TABLE} (period_id, unit_id, path, depth, block, bucket, n, {columns}) "
            f"SELECT period_id, MIN(unit_id), path, MIN(depth), block, '*', 0, {sums} "
            f"FROM {TABLE} GROUP BY period_id, path, block ORDER BY MIN(depth), path"
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE bucket <> '*'")
        if connection.vendor == "postgresql":
            # the inserted rows' deferred foreign-key checks, now: the table is altered next
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def unpivot(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for bucket, column in BUCKETS.items():
            cursor.execute(
                f"INSERT INTO {TABLE} (period_id, unit_id, path, depth, block, bucket, n, "
                + ", ".join(BUCKETS.values())
                + ") SELECT period_id, unit_id, path, depth, block, %s, "
                + f"{column}, "
                + ", ".join("0" for _ in BUCKETS)
                + f" FROM {TABLE} WHERE bucket = '' AND {column} <> 0",
                [bucket],
            )
        cursor.execute(f"DELETE FROM {TABLE} WHERE bucket = ''")  # the pivoted rows
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0004_evaluation_sent_at"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="unitstat", name=column, field=models.IntegerField(default=0)
            )
            for column in BUCKETS.values()
        ),
        migrations.RunPython(pivot, unpivot, elidable=False),
        migrations.RemoveConstraint(model_name="unitstat", name="unitstat_unique"),
        # a default for the way back: the column is added again to the pivoted rows
        migrations.AlterField(
            model_name="unitstat",
            name="bucket",
            field=models.CharField(max_length=30, default=""),
        ),
        migrations.RemoveField(model_name="unitstat", name="bucket"),
        migrations.RemoveField(model_name="unitstat", name="n"),
        migrations.AddConstraint(
            model_name="unitstat",
            constraint=models.UniqueConstraint(
                fields=("period", "path", "block"), name="unitstat_unique"
            ),
        ),
    ]
