"""Failed logins counted per username and client address (LoginThrottle) instead of on the user; the
user's own lock is now an admin's (`locked_at`). Locks of the old kind were all made by failed logins
and ended within FANGKONG_LOCKOUT_MINUTES anyway: they are dropped, not carried over as admin locks."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='failed_logins',
        ),
        migrations.RemoveField(
            model_name='user',
            name='locked_until',
        ),
        migrations.AddField(
            model_name='user',
            name='locked_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='锁定时间'),
        ),
        migrations.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username_key', models.CharField(max_length=64)),
                ('client', models.CharField(max_length=64)),
                ('failures', models.PositiveSmallIntegerField(default=0)),
                ('locked_until', models.DateTimeField(blank=True, null=True)),
                ('expires_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': '登录失败记录',
                'verbose_name_plural': '登录失败记录',
                'indexes': [models.Index(fields=['expires_at'], name='login_throttle_expiry')],
                'constraints': [models.UniqueConstraint(fields=('username_key', 'client'), name='one_throttle_per_client')],
            },
        ),
    ]
