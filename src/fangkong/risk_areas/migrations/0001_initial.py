"""Risk areas, moved here from checkpoints: the table stays (`db_table`), only Django's record of the model is
created (checkpoints 0004 removed it there).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APP = "risk_areas"
MODELS = ['riskarea']

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

    initial = True

    dependencies = [
        ('checkpoints', '0004_move_out_places_risk_areas_tasks'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='RiskArea',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=12, verbose_name='区划代码')),
                    ('name', models.CharField(max_length=100, verbose_name='名称')),
                    ('valid_from', models.DateField(verbose_name='起始日期')),
                    ('valid_until', models.DateField(blank=True, null=True, verbose_name='截止日期')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '风险地区',
                    'verbose_name_plural': '风险地区',
                    'db_table': 'checkpoints_riskarea',
                    'ordering': ['code', 'valid_from'],
                },
            ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
