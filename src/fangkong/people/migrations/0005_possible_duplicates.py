"""Possible duplicates kept by the database (people.models.PossibleDuplicate): the pairs of persons each duplicate
rule matches, found by triggers on the persons' table whenever a person is inserted, changes one of the values the
rules compare (or their region) or is deleted, whoever writes the row; the pairs of the persons already there are
found once here. The list of possible duplicates then reads pairs instead of grouping every person of a scope.

Triggers rather than the services: persons are also written in bulk (a ledger import, the demo) and directly
(legacy rows), and the pairs must hold for every row. The rules, the triggers and the scan are people.pairing's
(which also says how twins written at the same moment on PostgreSQL are paired).
"""

from django.db import migrations, models

from fangkong.people.pairing import PERSON, RULES, postgresql_triggers, rebuild, sqlite_triggers


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"possible duplicates are kept by triggers on SQLite and PostgreSQL, not {vendor}")
    for statement in sqlite_triggers() if vendor == "sqlite" else postgresql_triggers():
        schema_editor.execute(statement)
    rebuild(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in [*(f"insert_{rule}" for rule in RULES), "update", "delete"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS people_possible_duplicates_{name}")
    else:
        for name in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS people_possible_duplicates_{name} ON {PERSON}")
        schema_editor.execute("DROP FUNCTION IF EXISTS people_possible_duplicates()")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_registration_review"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PossibleDuplicate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.CharField(max_length=20)),
                ("older", models.BigIntegerField()),
                ("newer", models.BigIntegerField()),
                ("region", models.ForeignKey(db_constraint=False, db_index=False, null=True,
                                             on_delete=models.deletion.DO_NOTHING, related_name="+",
                                             to="regions.region")),
            ],
            options={
                "indexes": [models.Index(fields=["region", "older", "newer"], name="possible_duplicate_region"),
                            models.Index(fields=["newer", "older"], name="possible_duplicate_newer")],
                "constraints": [models.UniqueConstraint(fields=("older", "newer", "rule"),
                                                        name="possible_duplicate_pair")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
