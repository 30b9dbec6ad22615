"""Key places, closures, hygiene logs, place codes and check-ins, moved here from checkpoints: the tables stay
(each model sets `db_table`), only Django's record of the models is created (checkpoints 0004 removed it there).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import fangkong.people.identity
import fangkong.places.models

APP = "places"
MODELS = ['place', 'closureorder', 'hygienelog', 'placecode', 'checkin']

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
        ('people', '0004_registration_review'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Place',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='名称')),
                    ('kind', models.CharField(choices=[('market', '农贸市场'), ('supermarket', '商场超市'), ('station', '车站'), ('school', '学校'), ('hotel', '宾馆酒店'), ('restaurant', '餐饮场所'), ('venue', '三馆一院（博物馆、图书馆、文化馆、影剧院）'), ('religious', '宗教场所'), ('other', '其他')], max_length=15, verbose_name='类型')),
                    ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                    ('operator', models.CharField(blank=True, max_length=100, verbose_name='经营/管理单位')),
                    ('operator_phone', models.CharField(blank=True, max_length=20, verbose_name='联系电话')),
                    ('is_closed', models.BooleanField(default=False, verbose_name='已关闭')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='所属区划')),
                ],
                options={
                    'verbose_name': '重点场所',
                    'verbose_name_plural': '重点场所',
                    'db_table': 'checkpoints_place',
                },
            ),
            migrations.CreateModel(
                name='HygieneLog',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(verbose_name='日期')),
                    ('cleaned', models.BooleanField(verbose_name='已清洗')),
                    ('disinfected', models.BooleanField(verbose_name='已消毒')),
                    ('patrolled', models.BooleanField(verbose_name='已巡查')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='备注')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region')),
                    ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hygiene_logs', to='places.place')),
                ],
                options={
                    'verbose_name': '场所卫生记录',
                    'verbose_name_plural': '场所卫生记录',
                    'db_table': 'checkpoints_hygienelog',
                },
            ),
            migrations.CreateModel(
                name='ClosureOrder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('closed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='关闭时间')),
                    ('reason', models.CharField(max_length=300, verbose_name='原因')),
                    ('reopened_at', models.DateTimeField(blank=True, null=True, verbose_name='恢复开放时间')),
                    ('ordered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='决定人')),
                    ('reopened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='places.place')),
                ],
                options={
                    'verbose_name': '关闭令',
                    'verbose_name_plural': '关闭令',
                    'db_table': 'checkpoints_closureorder',
                    'ordering': ['-closed_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='CheckIn',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(blank=True, max_length=50, verbose_name='姓名')),
                    ('phone', models.CharField(blank=True, max_length=20, verbose_name='联系电话')),
                    ('phone_digest', models.CharField(blank=True, editable=False, max_length=40)),
                    ('id_number', models.CharField(blank=True, max_length=40, verbose_name='身份证号码')),
                    ('id_digest', models.CharField(blank=True, editable=False, max_length=40)),
                    ('checked_in_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('origin', models.CharField(blank=True, max_length=100, verbose_name='近14天来自何地')),
                    ('origin_code', models.CharField(blank=True, max_length=12)),
                    ('from_risk_area', models.BooleanField(default=False)),
                    ('client_key', models.CharField(blank=True, db_default='', default='', editable=False, max_length=64)),
                    ('checkpoint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='checkpoints.checkpoint')),
                    ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='people.person')),
                    ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region')),
                    ('place', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='check_ins', to='places.place')),
                ],
                options={
                    'verbose_name': '扫码登记',
                    'verbose_name_plural': '扫码登记',
                    'db_table': 'checkpoints_checkin',
                },
                bases=(fangkong.people.identity.MaskedNumbers, models.Model),
            ),
            migrations.CreateModel(
                name='PlaceCode',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('token', models.CharField(default=fangkong.places.models.new_token, max_length=32, unique=True)),
                    ('is_active', models.BooleanField(default=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('checkpoint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='codes', to='checkpoints.checkpoint')),
                    ('place', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='codes', to='places.place')),
                ],
                options={
                    'verbose_name': '场所码',
                    'verbose_name_plural': '场所码',
                    'db_table': 'checkpoints_placecode',
                },
            ),
            migrations.AddIndex(
                model_name='place',
                index=models.Index(fields=['region', 'is_closed', 'id'], name='place_region'),
            ),
            migrations.AddIndex(
                model_name='hygienelog',
                index=models.Index(fields=['region', 'day'], name='hygiene_region_day'),
            ),
            migrations.AddIndex(
                model_name='hygienelog',
                index=models.Index(fields=['day'], name='hygiene_day'),
            ),
            migrations.AddConstraint(
                model_name='hygienelog',
                constraint=models.UniqueConstraint(fields=('place', 'day'), name='one_hygiene_log_per_day'),
            ),
            migrations.AddConstraint(
                model_name='closureorder',
                constraint=models.UniqueConstraint(condition=models.Q(('reopened_at__isnull', True)), fields=('place',), name='one_open_closure_per_place'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['place', 'checked_in_at'], name='checkin_place'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['checkpoint', 'checked_in_at'], name='checkin_checkpoint'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['person', 'checked_in_at'], name='checkin_person'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['phone_digest', 'checked_in_at'], name='checkin_phone'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['id_digest', 'checked_in_at'], name='checkin_id'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['checked_in_at'], name='checkin_day'),
            ),
            migrations.AddIndex(
                model_name='checkin',
                index=models.Index(fields=['from_risk_area', 'checked_in_at'], name='checkin_risk'),
            ),
            migrations.AddConstraint(
                model_name='checkin',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('checkpoint__isnull', True), ('place__isnull', False)), models.Q(('checkpoint__isnull', False), ('place__isnull', True)), _connector='OR'), name='check_in_one_target'),
            ),
            migrations.AddConstraint(
                model_name='checkin',
                constraint=models.UniqueConstraint(condition=models.Q(models.Q(('client_key', ''), _negated=True), ('place__isnull', False)), fields=('place', 'client_key'), name='checkin_place_client_key'),
            ),
            migrations.AddConstraint(
                model_name='checkin',
                constraint=models.UniqueConstraint(condition=models.Q(models.Q(('client_key', ''), _negated=True), ('checkpoint__isnull', False)), fields=('checkpoint', 'client_key'), name='checkin_checkpoint_client_key'),
            ),
            migrations.AddConstraint(
                model_name='placecode',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('checkpoint__isnull', True), ('place__isnull', False)), models.Q(('checkpoint__isnull', False), ('place__isnull', True)), _connector='OR'), name='place_code_one_target'),
            ),
        ]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
