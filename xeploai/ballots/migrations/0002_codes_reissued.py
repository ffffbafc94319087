# Codes can be re-issued when the slips did not print; the paper count is keyed once per ballot.

from typing import Any

from django.db import migrations, models

COUNTS = ("issued", "returned", "valid")
LEVELS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")


def per_ballot_counts(apps: Any, schema_editor: Any) -> None:
    """Keyings of the old shape ({subject: {levels and counts}}) take the new one ({"counts":
    …, "votes": {subject: {levels}}}): the counts of the first subject, which the old form asked
    for on every row."""
    PaperEntry = apps.get_model("ballots", "PaperEntry")
    for entry in PaperEntry.objects.all():
        data = entry.data or {}
        if "counts" in data and "votes" in data:
            continue
        rows = [row for _, row in sorted(data.items(), key=lambda kv: int(kv[0]))]
        counts = {f: rows[0].get(f, 0) for f in COUNTS} if rows else dict.fromkeys(COUNTS, 0)
        entry.data = {
            "counts": counts,
            "votes": {key: {lv: row.get(lv, 0) for lv in LEVELS} for key, row in data.items()},
        }
        entry.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="codes_reissued",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Mỗi lần cấp lại, mọi mã đã in trước đó bị hủy.",
                verbose_name="số lần cấp lại mã",
            ),
        ),
        migrations.RunPython(per_ballot_counts, migrations.RunPython.noop),
    ]
