
import django.db.models.deletion
from django.db import migrations, models


def fill_from_orders(apps, schema_editor):
    """The requests opened before: by follow-ups, their person and entry are the order's."""
    TransferRequest = apps.get_model("quarantine", "TransferRequest")
    for t in TransferRequest.objects.filter(person__isnull=True).select_related("quarantine__key_person").iterator():
        t.key_person_id = t.quarantine.key_person_id
        t.person_id = t.quarantine.key_person.person_id
        t.source = "follow_up"
        t.save(update_fields=["key_person", "person", "source"])


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_registration_review'),
        ('quarantine', '0006_fever_threshold_optional'),
        ('screening', '0004_arrivaltask'),
    ]

    operations = [
        migrations.AddField(
            model_name='transferrequest',
            name='key_person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.keyperson'),
        ),
        migrations.AddField(
            model_name='transferrequest',
            name='person',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person', verbose_name='人员'),
        ),
        migrations.AddField(
            model_name='transferrequest',
            name='source',
            field=models.CharField(blank=True, choices=[('checkpoint', '卡点测温'), ('check_in', '场所测温'), ('daily_check', '每日检查'), ('follow_up', '隔离随访'), ('pharmacy', '药店购药')], max_length=12, verbose_name='发现途径'),
        ),
        migrations.AddField(
            model_name='transferrequest',
            name='temperature',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=3, null=True, verbose_name='体温(°C)'),
        ),
        migrations.AlterField(
            model_name='transferrequest',
            name='quarantine',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='quarantine.quarantine'),
        ),
        migrations.RunPython(fill_from_orders, migrations.RunPython.noop),
    ]
