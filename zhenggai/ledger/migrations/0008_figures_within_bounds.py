"""Figures saved before they were checked (1e20, inf, NaN) cannot be read back: every
page showing one was a server error. Each is set to 0, left out of the indicators, and
says in what it counts that its number was invalid, so that the unit can correct the
report. Figures are checked when typed from now on (ledger.services.check_figure)."""

from decimal import Context, Decimal, InvalidOperation

from django.db import migrations

NOTE = "（原数值无效，已置为0，请更正）"
PLACES = Decimal("0.0001")


def readable(raw) -> bool:
    """Whether the database's value comes back through the field (16 digits, 4 places)."""
    try:
        if isinstance(raw, float):
            # SQLite hands back floats; Django keeps 15 significant digits of them.
            raw = Context(prec=15).create_decimal_from_float(raw)
        value = Decimal(str(raw))
        value.quantize(PLACES, context=Context(prec=16))  # what the field's converter does
    except (InvalidOperation, ValueError, TypeError):
        return False
    return value.is_finite()


def repair_figures(connection) -> int:
    """Set each unreadable figure to 0 with a note; how many there were."""
    table = "ledger_figure"
    if connection.vendor == "sqlite":
        where = "typeof(value) NOT IN ('integer', 'real') OR abs(value) >= 999999999999"
    elif connection.vendor == "postgresql":
        where = "value = 'NaN'"
    else:
        where = "1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, value, counts FROM {table} WHERE {where}")
        bad = [(pk, counts) for pk, value, counts in cursor.fetchall() if not readable(value)]
        for pk, counts in bad:
            counts = (counts or "")[: 100 - len(NOTE)] + NOTE
            cursor.execute(
                f"UPDATE {table} SET value = 0, indicator = '', counts = %s WHERE id = %s",
                [counts, pk],
            )
    return len(bad)


def forwards(apps, schema_editor):
    repair_figures(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_search_entries")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
