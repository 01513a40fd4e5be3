"""Hostile input: whatever bytes arrive, a Chinese refusal or a draft, never a crash.

The counts of examples are the fuzz budget per target; raise them locally to search
harder (HYPOTHESIS_PROFILE is not used: CI runs the same cases every time).
"""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenggai.ledger.draft import LedgerDraft
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.readers import draft_from_file
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook import export_inspection

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
NAMES = ["台账.xlsx", "通报.docx", "通报.txt", "通报.html"]


def read_or_refuse(data: bytes, name: str):
    try:
        return draft_from_file(data, name)
    except LedgerError as exc:
        assert str(exc).strip(), "a refusal must say why"
        return None


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_it_reads_or_refuses_random_bytes(data, name):
    result = read_or_refuse(data, name)
    assert result is None or isinstance(result, LedgerDraft)


WORKBOOK: list[bytes] = []


@pytest.fixture(scope="module")
def workbook_bytes(django_db_setup, django_db_blocker):
    from tests.conftest import make_ledger
    from zhenggai.accounts.models import Unit

    with django_db_blocker.unblock():
        unit = Unit.objects.create(name="模糊测试单位")
        data = export_inspection(make_ledger(unit, categories=2, problems=2, measures=3))
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
    assert result is None or isinstance(result, LedgerDraft)


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
    result = read_or_refuse(data[:cut], "通报.docx")
    assert result is None or isinstance(result, LedgerDraft)


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
