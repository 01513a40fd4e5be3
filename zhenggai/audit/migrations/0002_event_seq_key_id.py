from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, unique=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="event",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="密钥编号"),
            preserve_default=False,
        ),
    ]
