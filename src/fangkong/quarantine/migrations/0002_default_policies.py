"""Install the default policy set (the early-2020 national rules, see fangkong.quarantine.defaults)."""

from django.db import migrations

from fangkong.quarantine.defaults import install_default_policies


def forwards(apps, schema_editor):
    install_default_policies(apps.get_model("quarantine", "QuarantinePolicy"))


class Migration(migrations.Migration):

    dependencies = [("quarantine", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
