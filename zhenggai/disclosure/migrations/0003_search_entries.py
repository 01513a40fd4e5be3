from django.db import migrations


def fill(apps, schema_editor):
    from zhenggai.disclosure.search import fill

    fill(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_notice_draft"),
        ("ledger", "0007_search_entries"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
