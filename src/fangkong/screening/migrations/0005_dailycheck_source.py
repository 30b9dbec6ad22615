
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0004_arrivaltask'),
    ]

    operations = [
        migrations.AddField(
            model_name='dailycheck',
            name='source',
            field=models.CharField(blank=True, choices=[('checkpoint', '卡点测温'), ('check_in', '场所测温'), ('daily_check', '每日检查'), ('follow_up', '隔离随访'), ('pharmacy', '药店购药')], max_length=12, verbose_name='发现途径'),
        ),
        migrations.AlterField(
            model_name='dailycheck',
            name='method',
            field=models.CharField(blank=True, choices=[('visit', '上门'), ('phone', '电话'), ('self_report', '自报')], max_length=12, verbose_name='方式'),
        ),
    ]
