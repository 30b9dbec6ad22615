"""Passages partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partition_table, unpartition_table

TABLE, COLUMN = "checkpoints_passage", "passed_at"


def forwards(apps, schema_editor):
    partition_table(schema_editor, TABLE, COLUMN, unique=("passage_client_key",))


def backwards(apps, schema_editor):
    unpartition_table(schema_editor, TABLE, unique=("passage_client_key",))


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0005_passage_plate_index"),
        ("screening", "0007_arrival_task_keys_without_constraint"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
