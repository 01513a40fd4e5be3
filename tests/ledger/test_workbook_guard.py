"""Every xlsx cell we write goes through one guarded writer, merged titles included."""

import ast
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import make_ledger
from zhenggai.ledger.workbook import export_inspection, export_round

pytestmark = pytest.mark.django_db

ROUND = '=HYPERLINK("http://x","y")&'
PACKAGE = Path(__file__).resolve().parents[2] / "zhenggai"
WRITERS = {"write", "write_string", "write_number", "write_blank", "write_datetime"}
WRITERS |= {"write_formula", "write_row", "write_column", "write_url", "merge_range"}


def sheets_xml(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in archive.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml", n)]
    return {name: archive.read(name).decode() for name in names}


def assert_no_formula(data: bytes) -> None:
    sheets = sheets_xml(data)
    assert len(sheets) == 4
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        title = sheet["A1"]
        assert title.data_type == "s" and title.quotePrefix, sheet.title
        assert title.value.startswith(ROUND)
        assert "A1:" in " ".join(str(r) for r in sheet.merged_cells.ranges)


def test_a_round_named_like_a_formula_is_text_in_every_title(units):
    inspection = make_ledger(units["A"])
    inspection.round = ROUND
    inspection.save()
    assert_no_formula(export_round(ROUND, [inspection]))


def test_a_unit_named_like_a_formula_is_text_in_the_inspection_title(units):
    units["A"].name = ROUND
    units["A"].save()
    assert_no_formula(export_inspection(make_ledger(units["A"]), internal=True))


def test_the_round_download_of_the_office_is_guarded(units, cast, login):
    inspection = make_ledger(units["A"])
    inspection.round = ROUND
    inspection.save()
    response = login("olivia").get(reverse("ledger:round-xlsx"), {"round": ROUND})
    assert response.status_code == 200
    assert_no_formula(b"".join(response.streaming_content))


def test_only_one_function_writes_cells():
    """Any sheet.write…/merge_range call outside the guarded `put`, `put_row` and
    `put_rows` would bypass the guard."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef) or func.name in ("put", "put_row", "put_rows"):
                continue
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITERS
                    and "sheet" in ast.unparse(node.func.value)
                ):
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
    assert offenders == []
