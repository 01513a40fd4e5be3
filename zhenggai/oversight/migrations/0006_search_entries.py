from django.db import migrations


def fill(apps, schema_editor):
    from zhenggai.oversight.search import fill

    fill(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0005_messages"),
        ("ledger", "0007_search_entries"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
