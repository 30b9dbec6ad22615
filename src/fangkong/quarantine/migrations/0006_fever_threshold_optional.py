"""A policy's fever threshold becomes optional: empty, its follow-ups use the deployment's setting
(FANGKONG_FEVER_THRESHOLD, core.health). The policies still holding the value they were installed with
(37.3, which was the deployment's default) leave it to the setting; one changed by headquarters keeps
its own. Orders keep the value they started with."""

from decimal import Decimal

from django.db import migrations, models

SEEDED = Decimal("37.3")


def leave_seeded_to_the_setting(apps, schema_editor):
    apps.get_model("quarantine", "QuarantinePolicy").objects.filter(fever_threshold=SEEDED).update(fever_threshold=None)


def fill_empty(apps, schema_editor):
    for name in ("QuarantinePolicy", "Quarantine"):
        apps.get_model("quarantine", name).objects.filter(fever_threshold__isnull=True).update(fever_threshold=SEEDED)


class Migration(migrations.Migration):

    dependencies = [
        ("quarantine", "0005_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quarantine",
            name="fever_threshold",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=3, null=True,
                                      verbose_name="发热阈值(°C)"),
        ),
        migrations.AlterField(
            model_name="quarantinepolicy",
            name="fever_threshold",
            field=models.DecimalField(blank=True, decimal_places=1,
                                      help_text="留空则按全县统一的发热标准；填写则只用于此类人员隔离期间的随访",
                                      max_digits=3, null=True, verbose_name="发热阈值(°C)"),
        ),
        migrations.RunPython(leave_seeded_to_the_setting, fill_empty),
    ]
