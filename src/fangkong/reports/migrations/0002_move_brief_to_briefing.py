"""Brief and BriefTemplate belong to the briefing app from here on: removed from this app's state only.
Their tables stay as they are (briefing's models name them with db_table), so no row is copied."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Brief"),
                migrations.DeleteModel(name="BriefTemplate"),
            ],
            database_operations=[],
        ),
    ]
