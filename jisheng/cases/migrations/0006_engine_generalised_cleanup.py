from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_engine_generalised_data")]
    operations = [
        migrations.RemoveField(model_name="caseclock", name="extension"),
        migrations.RemoveField(model_name="caseclock", name="extension_reason"),
        migrations.AlterField(
            model_name="casestep", name="on",
            field=models.DateField(help_text="该环节依法发生之日；补录历史案卷时可早于录入日期", verbose_name="办理日期"),
        ),
    ]
