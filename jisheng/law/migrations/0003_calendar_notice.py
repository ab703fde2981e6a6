from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('law', '0002_recomputation_pending_dates'),
    ]

    operations = [
        migrations.AddField(
            model_name='deadlinerecomputation',
            name='label',
            field=models.CharField(blank=True, help_text='给人看的名称，如“TC2026-00001 决定”；空则显示 subject', max_length=200, verbose_name='期限名称'),
        ),
        migrations.AddField(
            model_name='calendaryear',
            name='origin',
            field=models.CharField(choices=[('chinesecalendar', 'chinesecalendar 程序包'), ('notice', '国务院办公厅通知（管理员录入）')], default='chinesecalendar', max_length=16, verbose_name='数据来源类型'),
        ),
        migrations.AddField(
            model_name='calendaryear',
            name='notice',
            field=models.JSONField(blank=True, default=dict, verbose_name='录入的通知'),
        ),
    ]
