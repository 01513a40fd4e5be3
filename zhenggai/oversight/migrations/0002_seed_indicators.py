from django.db import migrations

# The standard indicators of a round's statement; the office edits them afterwards.
STANDARD = [
    ("专题民主生活会", "召开", "次", "民主生活会"),
    ("专题组织生活会", "召开", "次", "组织生活会"),
    ("集中学习", "开展", "次", "集中学习,中心组学习,专题学习"),
    ("专题党课", "讲授", "次", "党课"),
    ("完善和新建制度", "", "项", "制度"),
    ("清退违规资金", "", "万元", "清退"),
    ("追回资金", "", "万元", "追回"),
    ("挽回经济损失", "", "万元", "挽回"),
    ("问责处理", "", "人次", "问责,处分,诫勉,组织处理"),
    ("谈话提醒", "", "人次", "谈话提醒,提醒谈话,约谈,批评教育"),
]


def seed(apps, schema_editor):
    rule = apps.get_model("oversight", "IndicatorRule")
    for position, (name, verb, unit, keywords) in enumerate(STANDARD, start=1):
        rule.objects.get_or_create(
            name=name,
            defaults={
                "verb": verb,
                "unit": unit,
                "keywords": keywords,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_signoff_orders_indicators")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
