"""Hostile input: whatever bytes arrive, a Chinese refusal or a draft, never a crash.

The counts of examples are the fuzz budget per target; raise them locally to search
harder (HYPOTHESIS_PROFILE is not used: CI runs the same cases every time).
"""

import io
import math
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenggai.ledger.draft import MAX_MESSAGES, LedgerDraft
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.readers import draft_from_file
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook import export_inspection

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
NAMES = ["台账.xlsx", "通报.docx", "通报.txt", "通报.html"]


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def read_or_refuse(data: bytes, name: str) -> LedgerDraft | None:
    """The draft, checked; None for a refusal, which must be Chinese and name the file."""
    try:
        draft = draft_from_file(data, name)
    except LedgerError as exc:
        assert CHINESE.search(str(exc)) and name in str(exc), str(exc)
        return None
    check_draft(draft, name)
    return draft


def check_draft(draft: LedgerDraft, name: str) -> None:
    """What the preview relies on: bounded, non-empty messages; known states; a place
    for every item; and an empty tree is an error, so it cannot be committed."""
    assert isinstance(draft, LedgerDraft) and draft.source == name
    assert draft.categories or draft.errors
    messages = draft.warnings + draft.errors
    assert len(draft.warnings) <= MAX_MESSAGES and len(draft.errors) <= MAX_MESSAGES
    assert all(isinstance(m, str) and m.strip() for m in messages)
    for category in draft.categories:
        assert category.title.strip() and category.place
        assert all(problem.place for problem in category.problems)
    for measure in draft.measures():
        assert measure.place and measure.text.strip()
        assert measure.status in Measure.Status.values and measure.term in Measure.Term.values
        assert all(math.isfinite(f.value) for f in measure.figures)


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_it_reads_or_refuses_random_bytes(data, name):
    read_or_refuse(data, name)


WORKBOOK: list[bytes] = []
MEASURES = 12  # in the workbook: 2 categories × 2 problems × 3 measures


@pytest.fixture(scope="module")
def workbook_bytes(django_db_setup, django_db_blocker):
    from tests.conftest import make_ledger
    from zhenggai.accounts.models import Unit

    with django_db_blocker.unblock():
        unit = Unit.objects.create(name="模糊测试单位")
        data = export_inspection(make_ledger(unit, categories=2, problems=2, measures=3))
        assert read_or_refuse(data, "台账.xlsx").counts() == (2, 4, MEASURES)
        unit.inspections.all().delete()
        unit.delete()
    WORKBOOK[:] = [data]  # read by the test, so hypothesis does not print 30 kB


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40))
@pytest.mark.usefixtures("workbook_bytes")
def test_it_reads_or_refuses_a_damaged_workbook(seed, flips):
    rng = random.Random(seed)
    data = bytearray(WORKBOOK[0])
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    result = read_or_refuse(bytes(data), "台账.xlsx")
    # Damage loses rows or cells; it never invents a measure.
    assert result is None or result.counts()[2] <= MEASURES


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_it_reads_or_refuses_a_truncated_docx(seed):
    import docx

    document = docx.Document()
    document.add_paragraph("一、关于“测试问题”问题的整改情况")
    document.add_paragraph("（一）针对“具体问题”问题。一是召开会议3次。")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    cut = random.Random(seed).randrange(len(data))
    # The zip directory sits at the end: a cut file is refused, never half read.
    assert read_or_refuse(data[:cut], "通报.docx") is None


def test_it_never_drafts_an_empty_measure():
    text = "一、关于“甲”问题\n（一）针对“乙”问题\n一是。\n二是召开会议3次。\n"
    draft = read_or_refuse(text.encode(), "通报.txt")
    assert [m.text for m in draft.measures()] == ["召开会议3次"]
    assert any("第1条没有内容，未导入" in w for w in draft.warnings)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data",
    [
        ("../../etc/passwd.xlsx", b"PK\x03\x04garbage"),
        ("台账.xlsx", b"\x00" * 1000),
        ("通报.docx", b"PK\x03\x04" + b"\xff" * 100),
        ("通报.exe", b"MZ"),
    ],
)
def test_it_refuses_hostile_uploads_on_the_import_page(login, cast, name, data, settings):
    response = login("alice").post(
        reverse("ledger:import"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Inspection.objects.exists()
    imports = settings.DATA_DIR / "imports"
    assert not imports.exists() or not any(imports.iterdir())
