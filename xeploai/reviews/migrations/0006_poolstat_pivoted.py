"""PoolStat pivoted: one row per (period, deciding body, block, group) with one integer column
per bucket, instead of one row per bucket (issue 19 §2, decision 0012: the report of a unit
with 300 children read 2,236 pool rows; it now reads one per pool).

The existing rows are converted in place, in portable SQL (PostgreSQL and SQLite), as
``0005_unitstat_pivoted`` did for ``UnitStat``: the new columns are added at 0, one row per pool
is inserted with the sums (marked by a bucket "*" that no old row has, so the old unique key
still holds), the old rows are deleted, then the bucket and n columns and the old unique key go.
The way back writes one row per non-zero bucket, and a pool whose every column is zero as one
``PENDING`` row of 0, so that forward, back and forward again give the same rows."""

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
TABLE = "reports_poolstat"
KEY = 'period_id, decider_id, block, "group"'


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
            raise RuntimeError(f"{unknown} pool rows in a bucket outside the thirteen")
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, decider_path, bucket, n, {columns}) "
            f"SELECT {KEY}, MIN(decider_path), '*', 0, {sums} "
            f"FROM {TABLE} GROUP BY {KEY} ORDER BY {KEY}"
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE bucket <> '*'")
        if connection.vendor == "postgresql":
            # the inserted rows' deferred foreign-key checks, now: the table is altered next
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def unpivot(apps, schema_editor):
    connection = schema_editor.connection
    columns = ", ".join(BUCKETS.values())
    zeros = ", ".join("0" for _ in BUCKETS)
    with connection.cursor() as cursor:
        for bucket, column in BUCKETS.items():
            cursor.execute(
                f"INSERT INTO {TABLE} ({KEY}, decider_path, bucket, n, {columns}) "
                f"SELECT {KEY}, decider_path, %s, {column}, {zeros} "
                f"FROM {TABLE} WHERE bucket = '' AND {column} <> 0",
                [bucket],
            )
        empty = " AND ".join(f"{column} = 0" for column in BUCKETS.values())
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, decider_path, bucket, n, {columns}) "
            f"SELECT {KEY}, decider_path, 'PENDING', 0, {zeros} "
            f"FROM {TABLE} WHERE bucket = '' AND {empty}"
        )
        cursor.execute(f"DELETE FROM {TABLE} WHERE bucket = ''")  # the pivoted rows
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0005_unitstat_pivoted"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="poolstat", name=column, field=models.IntegerField(default=0)
            )
            for column in BUCKETS.values()
        ),
        migrations.RunPython(pivot, unpivot, elidable=False),
        migrations.RemoveConstraint(model_name="poolstat", name="poolstat_unique"),
        # a default for the way back: the column is added again to the pivoted rows
        migrations.AlterField(
            model_name="poolstat",
            name="bucket",
            field=models.CharField(max_length=30, default=""),
        ),
        migrations.RemoveField(model_name="poolstat", name="bucket"),
        migrations.RemoveField(model_name="poolstat", name="n"),
        migrations.AddConstraint(
            model_name="poolstat",
            constraint=models.UniqueConstraint(
                fields=("period", "decider", "block", "group"), name="poolstat_unique"
            ),
        ),
    ]
