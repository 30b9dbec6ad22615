"""Check-ins partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partitioning


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0003_place_kind_pharmacy"),
        ("screening", "0007_arrival_task_keys_without_constraint"),
    ]

    operations = [partitioning("checkpoints_checkin", "checked_in_at",
                               unique=("checkin_place_client_key", "checkin_checkpoint_client_key"))]
