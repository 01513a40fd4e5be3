from django.db import migrations

KINDS = ("problem", "measure", "progress", "comment", "order")  # search.KINDS in 2026

# One GIN index per kind, over that kind's rows only: a search of one kind then reads
# the posting lists of its own rows, instead of intersecting a token of the kind held by
# a quarter of all entries (bench/search.py: 27 ms against 14 ms for 档案 in measures).
# A kind added to search.KINDS later needs its index in a migration of its own.
FORWARD = [
    f"CREATE INDEX ledger_searchentry_tsv_{kind} ON ledger_searchentry USING gin (tsv) "
    f"WITH (fastupdate = off) WHERE kind = '{kind}'"
    for kind in KINDS
] + ["DROP INDEX ledger_searchentry_tsv"]
BACKWARD = [
    "CREATE INDEX ledger_searchentry_tsv ON ledger_searchentry USING gin (tsv) "
    "WITH (fastupdate = off)",
    *(f"DROP INDEX ledger_searchentry_tsv_{kind}" for kind in KINDS),
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_search_index_without_pending_list")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
