"""PostgreSQL only: what its planner needs to read the follow-ups the same way at any size of the past.

The due lists ask for open slots (status 'due') up to a moment. Column statistics describe status and
due_at apart; most follow-ups are recorded ones in the past, so "due_at <= now" looks like most of the
table and the planner chose parallel plans to read a few pages of followup_open_due. Two hints:
- statistics of status and due_at together (their most common pairs: slots fall at a few times a day),
  so it knows how few open slots lie in the past;
- no parallel workers on this table: every read of it is a bounded index range (the due lists, one
  order's history, one day of the roll-up), where starting workers costs more than the read.
SQLite needs neither (it plans on the partial index's condition and has no parallel plans).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE quarantine_followup SET (parallel_workers = 0)",
    "CREATE STATISTICS IF NOT EXISTS followup_status_due_at (mcv) ON status, due_at FROM quarantine_followup",
    "ALTER STATISTICS followup_status_due_at SET STATISTICS 1000",
]
BACKWARD = [
    "DROP STATISTICS IF EXISTS followup_status_due_at",
    "ALTER TABLE quarantine_followup RESET (parallel_workers)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [("quarantine", "0003_followup_open_slot_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
