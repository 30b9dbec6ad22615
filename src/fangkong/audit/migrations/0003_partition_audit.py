"""The audit trail partitioned by month on PostgreSQL (fangkong.core.partitions); nothing changes on SQLite.
Every row is copied into the new table: on a large database this migration takes minutes (plan it)."""

from django.db import migrations

from fangkong.core.partitions import partitioning


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_drop_redundant_fk_indexes"),
    ]

    operations = [partitioning("audit_auditentry", "at")]
