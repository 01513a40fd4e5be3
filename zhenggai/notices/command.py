"""`zhenggai parse FILE [--json]`: the parsed tree or its JSON on stdout."""

from __future__ import annotations

import json
import sys

from .parse import parse
from .read import NoticeReadError, read_document_file
from .show import format_tree


def run_parse(path: str, as_json: bool) -> int:
    """Print the notice; 0 when read (warnings to stderr), 2 when the file cannot be read."""
    try:
        document = read_document_file(path)
    except NoticeReadError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    notice = parse(document)
    if as_json:
        print(json.dumps(notice.to_json(), ensure_ascii=False, indent=1))
    else:
        print(format_tree(notice))
    for warning in notice.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    return 0
