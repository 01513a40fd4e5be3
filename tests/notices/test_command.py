"""run_parse: the tree or JSON on stdout, warnings and errors on stderr, exit 0 or 2."""

import json
from pathlib import Path

from zhenggai.notices.command import run_parse

SAMPLE = Path(__file__).parents[1] / "samples" / "qingshan-library-2023.txt"


def test_it_prints_json(capsys):
    assert run_parse(str(SAMPLE), as_json=True) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["kind"] == "progress_notice" and len(printed["sections"]) == 3


def test_it_prints_the_tree(capsys):
    assert run_parse(str(SAMPLE), as_json=False) == 0
    assert "一、党的理论学习不够深入" in capsys.readouterr().out


def test_it_prints_warnings_to_stderr(tmp_path, capsys):
    plain = tmp_path / "plain.txt"
    plain.write_text("一段没有结构的文字。", encoding="utf-8")
    assert run_parse(str(plain), as_json=True) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["warnings"] and "提示" in captured.err


def test_it_exits_2_on_a_missing_or_broken_file(tmp_path, capsys):
    assert run_parse(str(tmp_path / "nowhere.txt"), as_json=True) == 2
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    assert run_parse(str(broken), as_json=False) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nowhere.txt" in captured.err and "broken.docx" in captured.err
