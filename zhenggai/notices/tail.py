"""The end of a notice: 下一步 (next steps) and the supervision contact block."""

from __future__ import annotations

import re

from .markers import opens_line
from .tree import Contact

# Sentence starts only: 下一步 inside a measure (……,下一步将……) is not the section.
_NEXT = re.compile(r"(?:^|(?<=[\n。!?;]))[ ]*(下一步|下步|今后)(?:工作)?")
_CONTACT = re.compile(
    r"(?:^|(?<=[\n。!?;]))[ ]*(欢迎|如有意见|如对|联系方式|联系电话|监督电话|举报电话|来信地址"
    r"|对[^。\n]{1,30}?有(?:意见|建议|意见建议)的)"
)
_PHONE_LABEL = re.compile(r"(?:电话|热线|手机|传真)[:]?\s*")
_PHONE = re.compile(r"1[3-9]\d{9}(?!\d)|(?:\(?0\d{2,3}\)?[-—]?)?\d{7,8}(?:[-转]\d{1,5})?|123\d{2}")
_ADDRESS = re.compile(r"(?:来信地址|通信地址|通讯地址|来访地址|邮寄地址|办公地址|地址)[:]?\s*")
_ADDRESS_STOP = re.compile(r"[;。\n,(]|邮编|邮政编码|\s{2}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PO_BOX = re.compile(r"(?<!电子)信箱")
_POSTCODE = re.compile(r"(?:邮编|邮政编码)[:]?\s*(\d{6})(?!\d)")


def find_next_steps(norm: str, start: int, stop: int) -> int:
    """Where 下一步 begins: the last one opening a paragraph, else the last sentence one."""
    found = [m.start(1) for m in _NEXT.finditer(norm, start, stop)]
    opening = [pos for pos in found if opens_line(norm, pos)]
    if opening:
        return opening[-1]
    return found[-1] if found else -1


def find_contact(norm: str, start: int, stop: int, after_next: bool) -> int:
    """Where the contact block begins, or -1."""
    found = [m.start(1) for m in _CONTACT.finditer(norm, start, stop)]
    if after_next:
        return found[0] if found else -1
    opening = [pos for pos in found if opens_line(norm, pos)]
    return (opening or found or [-1])[-1]


def read_contact(norm: str, original: str, start: int, stop: int) -> Contact:
    contact = Contact()
    contact.phone = _labelled(norm, original, _PHONE_LABEL, _PHONE, start, stop)
    contact.address = _address(norm, original, start, stop)
    email = _EMAIL.search(norm, start, stop)
    contact.email = original[email.start() : email.end()] if email else None
    contact.po_box = _po_box(norm, original, start, stop)
    postcode = _POSTCODE.search(norm, start, stop)
    contact.postcode = postcode.group(1) if postcode else None
    return contact


def _labelled(norm, original, label, value, start: int, stop: int) -> str | None:
    for match in label.finditer(norm, start, stop):
        found = value.match(norm, match.end(), stop)
        if found:
            return original[found.start() : found.end()]
    found = value.search(norm, start, stop)
    return original[found.start() : found.end()] if found else None


def _address(norm: str, original: str, start: int, stop: int) -> str | None:
    for match in _ADDRESS.finditer(norm, start, stop):
        if norm[max(start, match.start() - 2) : match.start()] in ("邮箱", "网络", "网站"):
            continue
        end = _ADDRESS_STOP.search(norm, match.end(), stop)
        value = original[match.end() : end.start() if end else stop].strip()
        if value:
            return value
    return None


def _po_box(norm: str, original: str, start: int, stop: int) -> str | None:
    """杭州市临平区1001信箱: the box number and the place before it."""
    for match in _PO_BOX.finditer(norm, start, stop):
        pos = match.start()
        if norm.startswith(":", match.end()):
            end = _ADDRESS_STOP.search(norm, match.end() + 1, stop)
            value = original[match.end() + 1 : end.start() if end else stop].strip()
            if value and "@" not in value:
                return value
            continue
        back = pos
        while back > start and (norm[back - 1].isdigit() or norm[back - 1] == "号"):
            back -= 1
        if back == pos:
            continue
        while back > start and "\u4e00" <= norm[back - 1] <= "\u9fff" and pos - back < 24:
            if norm[back - 2 : back] in ("寄至", "寄往", "请寄") or norm[back - 1] in "至寄":
                break
            back -= 1
        return original[back : match.end()]
    return None
