"""The red header (版头) and document number (文号) of an official document (GB/T 9704).

Plain data: accounts.letterhead reads a unit's settings into a `Letterhead`; the
document writers print `title` in red above the document and `doc_number` under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What may not appear in a 机关代字: the brackets and 号 the number adds, digits, spaces.
CODE_FORBIDDEN = re.compile(r"[〔〕\[\]［］()（）号\d\s]")


@dataclass(frozen=True)
class Letterhead:
    """Who issues: the organ's name, the 版头 text printed in red, the 机关代字."""

    issuer: str
    header: str = ""
    code: str = ""

    @property
    def title(self) -> str:
        """The red header's text: the 版头 text when set, else the organ's name."""
        return self.header or self.issuer

    def doc_number(self, year: int, number: int) -> str:
        return doc_number(self.code, year, number)


def doc_number(code: str, year: int, number: int) -> str:
    """临巡办督〔2026〕3号; without a code, 〔2026〕3号."""
    return f"{code}〔{year}〕{number}号"


# 临巡办督〔2026〕3号, its brackets typed as [] ［］ () （） 〔〕 or 【】.
DOC_NUMBER = re.compile(
    r"([^\s\[\]［］()（）〔〕【】\d]{0,20})[\[［(（〔【](\d{4})[\]］)）〕】](\d{1,5})号"
)


def parse_doc_number(text: str) -> str:
    """A 文号 as typed, in its standard form (〔〕 around the year); a ValueError with a
    Chinese message when it is not one."""
    found = DOC_NUMBER.fullmatch(text.strip())
    if found is None:
        raise ValueError(
            f"文号“{text.strip()[:30]}”格式不对，应为机关代字、〔年份〕和序号，如“临巡办督〔2026〕3号”。"
        )
    code, year, number = found.groups()
    return doc_number(code, int(year), int(number))


def code_problem(code: str) -> str | None:
    """Why a 机关代字 cannot be used (a Chinese message), or None."""
    found = CODE_FORBIDDEN.search(code)
    if found is None:
        return None
    char = found.group()
    shown = "空格" if char.isspace() else f"“{char}”"
    return f"机关代字不能含{shown}：年份、括号、序号和“号”由系统按文号格式添加，如“临巡办督”。"
