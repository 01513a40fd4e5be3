from django.db import migrations

# A GIN index with fastupdate keeps new entries in a pending list that every search
# reads through; bench/search.py measured an absent word at 53 ms with 1,070 pending
# entries against 12 ms without. Entries are written one act at a time: write them
# into the index itself.
FORWARD = [
    "ALTER INDEX ledger_searchentry_tsv SET (fastupdate = off)",
    "SELECT gin_clean_pending_list('ledger_searchentry_tsv')",
]
BACKWARD = ["ALTER INDEX ledger_searchentry_tsv RESET (fastupdate)"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_accountability_kinds")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
