"""format_tree: a notice as an indented Chinese outline, for the terminal and previews."""

from __future__ import annotations

from .tree import Figure, Measure, Notice

KIND_LABELS = {
    "progress_notice": "整改进展情况通报",
    "feedback": "巡察反馈意见",
    "aggregate": "整改情况汇总通报",
    "plan": "整改方案",
    "unknown": "未识别",
}
_SHOWN = 60


def format_tree(notice: Notice) -> str:
    """The notice as lines: metadata, the problem tree, next steps, contact, warnings."""
    lines = [
        f"标题：{notice.title or '（未找到）'}",
        f"文种：{KIND_LABELS.get(notice.kind, notice.kind)}",
    ]
    lines.append(f"发文单位：{notice.issuer or '—'}　落款日期：{notice.date or '—'}")
    lines.extend(_inspection(notice))
    for section in notice.sections:
        lines.append(f"{_mark(section.label, '、')}{section.title}")
        lines.extend(_measures(section.measures, "  "))
        for problem in section.problems:
            label = f"（{problem.label}）" if problem.label else "· "
            lines.append(f"  {label}{problem.title}")
            lines.extend(_measures(problem.measures, "    "))
    if notice.next_steps:
        lines.append("下一步：")
        lines.extend(_measures(notice.next_steps, "  "))
    if notice.suggestions:
        lines.append("意见建议：")
        lines.extend(_measures(notice.suggestions, "  "))
    lines.extend(_contact(notice))
    lines.append(f"数字：共 {len(notice.figures)} 个")
    if notice.warnings:
        lines.append("提示：")
        lines.extend(f"  - {warning}" for warning in notice.warnings)
    return "\n".join(lines)


def _mark(label: str | None, after: str) -> str:
    return f"{label}{after}" if label else "· "


def _inspection(notice: Notice) -> list[str]:
    info = notice.inspection
    parts = [
        f"{name}：{value}"
        for name, value in (
            ("轮次", info.round),
            ("巡察组", info.group),
            ("进驻", info.start),
            ("离开", info.end),
            ("反馈", info.feedback_date),
        )
        if value
    ]
    return ["巡察：" + "　".join(parts)] if parts else []


def _measures(measures: list[Measure], indent: str) -> list[str]:
    lines = []
    for measure in measures:
        text = measure.text if len(measure.text) <= _SHOWN else measure.text[:_SHOWN] + "…"
        lines.append(f"{indent}{measure.label or '·'} {text}{_figures(measure.figures)}")
        if duties := _duties(measure):
            lines.append(f"{indent}  （{duties}）")
    return lines


_DUTY_NAMES = (
    ("leader", "责任领导"),
    ("department", "责任部门"),
    ("owner", "责任人"),
    ("due", "时限"),
)


def _duties(measure: Measure) -> str:
    """责任领导、责任部门、责任人、时限 of a measure read from a plan's table."""
    return "　".join(
        f"{name}：{value}" for key, name in _DUTY_NAMES if (value := getattr(measure, key))
    )


def _figures(figures: list[Figure]) -> str:
    return f"  〔{'，'.join(f.text for f in figures)}〕" if figures else ""


def _contact(notice: Notice) -> list[str]:
    contact = notice.contact
    parts = [
        f"{name}：{value}"
        for name, value in (
            ("电话", contact.phone),
            ("地址", contact.address),
            ("邮箱", contact.email),
            ("信箱", contact.po_box),
            ("邮编", contact.postcode),
        )
        if value
    ]
    return ["联系方式：" + "　".join(parts)] if parts else []
