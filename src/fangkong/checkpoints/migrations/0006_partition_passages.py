"""Passages partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partitioning


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0005_passage_plate_index"),
        ("screening", "0007_arrival_task_keys_without_constraint"),
    ]

    operations = [partitioning("checkpoints_passage", "passed_at", unique=("passage_client_key",))]
