"""Column names of a ledger table, as units write them: one table for Word and Excel.

A header cell names a field exactly (责任领导) or by the longest name it holds
(责任领导（签字）, 完成时限(年月日), 责 任 部 门). Plain Python: the workbook importer
(ledger) and the Word-table reader (notices) both match headers here.
"""

from __future__ import annotations

import re
import unicodedata

ALIASES = {
    "seq": ("序号", "编号"),
    "unit": ("被巡察单位", "被巡视单位", "被检查单位", "单位名称"),
    "category": ("问题类别", "问题类型", "问题分类", "类别", "反馈问题类别", "问题方面", "方面"),
    "problem": (
        "具体问题",
        "问题",
        "存在问题",
        "问题描述",
        "问题表现",
        "反馈问题",
        "具体表现",
        "主要问题",
        "问题清单",
    ),
    "measure": ("整改措施", "措施", "具体措施", "整改举措", "整改任务", "任务清单"),
    "goal": ("整改目标",),
    "leader": ("责任领导", "牵头领导", "分管领导", "领导"),
    "department": (
        "责任部门",
        "责任单位",
        "牵头部门",
        "牵头单位",
        "责任科室",
        "责任处室",
        "承办部门",
    ),
    "owner": ("责任人", "整改责任人", "具体责任人", "经办人"),
    "due": ("完成时限", "时限", "完成时间", "整改时限", "整改期限", "完成期限", "办结时限"),
    "status": ("整改状态", "状态", "完成情况", "是否完成"),
    "progress": ("整改进展", "进展情况", "整改进展情况", "整改完成情况", "整改情况", "进展"),
    "evidence": ("佐证材料", "佐证", "证明材料", "印证材料", "佐证资料"),
}
_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def squeeze(text: str) -> str:
    """Half-width digits and letters, no spaces: how header words are matched."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def header_field(value) -> str | None:
    """The field a header cell names: exactly, or by the longest name it contains."""
    text = _BRACKETS.sub("", squeeze(str(value or ""))).rstrip("：:")
    if not text or len(text) > 20:
        return None
    if text in _BY_ALIAS:
        return _BY_ALIAS[text]
    found = [a for a in _BY_ALIAS if len(a) >= 2 and a in text]
    return _BY_ALIAS[max(found, key=len)] if found else None


def find_header(
    rows: list[list], *, fold: bool = True
) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """(row index, field -> (column, header text)) of the best header among rows.

    A header names a measure (or goal) column and at least three fields. Without a
    category column the problems are the categories (a one-level ledger), unless
    fold is False (a Word table may name its categories in rows of their own).
    """
    best = None
    for index, row in enumerate(rows):
        columns = header_columns(row)
        if ("measure" in columns or "goal" in columns) and len(columns) >= 3:
            if best is None or len(columns) > len(best[1]):
                best = (index, columns)
    if best and "measure" not in best[1]:
        best[1]["measure"] = best[1].pop("goal")
    if fold and best and "category" not in best[1] and "problem" in best[1]:
        best[1]["category"] = best[1].pop("problem")
    return best


def header_columns(row: list) -> dict[str, tuple[int, str]]:
    """field -> (column, header text) for the cells of one row that name a field."""
    columns: dict[str, tuple[int, str]] = {}
    for col, value in enumerate(row):
        name = header_field(value)
        if name and name not in columns:
            columns[name] = (col, str(value).strip())
    return columns
