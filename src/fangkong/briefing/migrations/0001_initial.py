"""Brief and BriefTemplate, taken over from the reports app: created in this app's state only, on the tables
reports created (reports_brief, reports_brieftemplate), which keep their rows, constraints and indexes."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("regions", "0001_initial"),
        ("reports", "0002_move_brief_to_briefing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BriefTemplate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        ("content", models.BinaryField(verbose_name="模板文件")),
                        ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                        ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("region", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="+", to="regions.region")),
                        ("uploaded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                          related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "简报模板",
                        "verbose_name_plural": "简报模板",
                        "db_table": "reports_brieftemplate",
                        "ordering": ["-uploaded_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Brief",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("day", models.DateField(verbose_name="日期")),
                        ("issue_number", models.PositiveIntegerField(verbose_name="期号")),
                        ("next_steps", models.TextField(blank=True, verbose_name="下步工作")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                         related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("region", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                     related_name="+", to="regions.region")),
                    ],
                    options={
                        "verbose_name": "工作简报",
                        "verbose_name_plural": "工作简报",
                        "db_table": "reports_brief",
                        "constraints": [
                            models.UniqueConstraint(fields=("region", "day"), name="one_brief_per_region_day"),
                            models.UniqueConstraint(fields=("region", "issue_number"), name="brief_issue_unique"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
