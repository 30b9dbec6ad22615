"""Registrations held for review (people.reviews) instead of refused with a message naming a person outside the scope."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_drop_redundant_fk_indexes'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RegistrationReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=20, verbose_name='类型')),
                ('submission', models.JSONField(default=dict)),
                ('status', models.CharField(choices=[('open', '待核实'), ('accepted', '已通过'), ('rejected', '未通过')], default='open', max_length=10, verbose_name='状态')),
                ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='提交时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='核实时间')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='核实意见')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='核实人')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registration_reviews', to='people.person')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='登记区划')),
                ('review_region', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='核实单位')),
                ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交人')),
            ],
            options={
                'verbose_name': '人员登记核实',
                'verbose_name_plural': '人员登记核实',
                'indexes': [models.Index(fields=['review_region', 'status', 'id'], name='review_region_status'), models.Index(fields=['submitted_by', 'id'], name='review_submitter')],
            },
        ),
    ]
