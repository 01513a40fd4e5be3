from django.db import migrations

# The usual kinds of 问责, mildest first; the office adds others on the 问责方式 page.
KINDS = [
    ("批评教育", ""),
    ("谈话提醒", ""),
    ("责令检查", "责令作出书面检查"),
    ("通报批评", ""),
    ("诫勉", "诫勉谈话"),
    ("组织处理", ""),
    ("党纪处分", "给予党纪处分"),
    ("政务处分", "给予政务处分"),
    ("移送司法机关", ""),
]


def seed(apps, schema_editor):
    Kind = apps.get_model("ledger", "AccountabilityKind")
    for position, (name, phrase) in enumerate(KINDS, start=1):
        Kind.objects.get_or_create(name=name, defaults={"phrase": phrase, "position": position})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_accountability_extensions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
