"""Arrival tasks, moved here from checkpoints (the village ledger's work list): the table stays (`db_table`),
only Django's record of the model is created (checkpoints 0004 removed it there).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APP = "screening"
MODELS = ['arrivaltask']

def move_content_types(apps, schema_editor):
    """The moved models' content types (and so their permissions) follow them, unless already made anew."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=APP, model=model).exists():
            ContentType.objects.filter(app_label="checkpoints", model=model).update(app_label=APP)


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=APP, model__in=MODELS).update(app_label="checkpoints")


class Migration(migrations.Migration):

    dependencies = [
        ('checkpoints', '0004_move_out_places_risk_areas_tasks'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0004_registration_review'),
        ('places', '0001_initial'),
        ('regions', '0001_initial'),
        ('screening', '0003_drop_redundant_fk_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='ArrivalTask',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('arrival', '风险地区来人，已列入台账，请核实'), ('unlisted', '风险地区来人未列入台账，请排查')], max_length=10, verbose_name='类型')),
                    ('status', models.CharField(choices=[('open', '待处理'), ('done', '已处理')], default='open', max_length=10, verbose_name='状态')),
                    ('opened_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('closed_at', models.DateTimeField(blank=True, null=True)),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='处理情况')),
                    ('check_in', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='places.checkin')),
                    ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('key_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='screening.keyperson')),
                    ('passage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='checkpoints.passage')),
                    ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='arrival_tasks', to='people.person')),
                    ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='村（社区）')),
                ],
                options={
                    'verbose_name': '来人核查任务',
                    'verbose_name_plural': '来人核查任务',
                    'db_table': 'checkpoints_arrivaltask',
                    'indexes': [models.Index(fields=['region', 'status', 'opened_at'], name='task_region'), models.Index(fields=['opened_at'], name='task_opened'), models.Index(fields=['closed_at'], name='task_closed')],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('person', 'region', 'kind'), name='one_open_task')],
                },
            ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
