from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_key_the_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="序号"),
        ),
    ]
