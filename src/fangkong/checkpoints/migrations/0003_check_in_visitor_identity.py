"""A public check-in keeps the identity its visitor typed and links to a person only after review (services.matching).

Rows made before keep the person they were attached to: which of them a visitor typed in someone else's name
cannot be told afterwards, so none is detached; they get no typed identity (it was never stored)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checkpoints', '0002_client_key'),
        ('people', '0004_registration_review'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkin',
            name='id_digest',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name='checkin',
            name='id_number',
            field=models.CharField(blank=True, max_length=40, verbose_name='身份证号码'),
        ),
        migrations.AddField(
            model_name='checkin',
            name='name',
            field=models.CharField(blank=True, max_length=50, verbose_name='姓名'),
        ),
        migrations.AddField(
            model_name='checkin',
            name='phone',
            field=models.CharField(blank=True, max_length=20, verbose_name='联系电话'),
        ),
        migrations.AddField(
            model_name='checkin',
            name='phone_digest',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='arrivaltask',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='arrival_tasks', to='people.person'),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='people.person'),
        ),
        migrations.AddIndex(
            model_name='checkin',
            index=models.Index(fields=['phone_digest', 'checked_in_at'], name='checkin_phone'),
        ),
        migrations.AddIndex(
            model_name='checkin',
            index=models.Index(fields=['id_digest', 'checked_in_at'], name='checkin_id'),
        ),
    ]
