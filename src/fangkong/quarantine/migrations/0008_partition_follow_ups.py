"""Follow-ups partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partitioning


class Migration(migrations.Migration):
    dependencies = [
        ("quarantine", "0007_transfer_from_any_register"),
    ]

    operations = [partitioning("quarantine_followup", "due_at")]
