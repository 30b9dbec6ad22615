"""Follow-ups partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partition_table, unpartition_table

TABLE, COLUMN = "quarantine_followup", "due_at"


def forwards(apps, schema_editor):
    partition_table(schema_editor, TABLE, COLUMN)


def backwards(apps, schema_editor):
    unpartition_table(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("quarantine", "0007_transfer_from_any_register"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
