"""Importing plans in Word tables, PDFs and feedback documents: the same draft ledger and
preview as a prose notice, with duties and deadlines from the table; PDFs sniffed."""

import datetime as dt
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from zhenggai.ledger.draft import commit_draft
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.ledger.readers import draft_from_file, unsupported
from zhenggai.ledger.sandbox import read_bounded
from zhenggai.ledger.services import LedgerError

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parents[1] / "samples"
PLAN = SAMPLES / "tables" / "qinghe-agriculture-plan-2024.docx"
Term, Status = Measure.Term, Measure.Status


@pytest.fixture(autouse=True)
def _data_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def test_a_plan_in_tables_becomes_a_ledger_with_duties_and_deadlines():
    draft = draft_from_file(PLAN.read_bytes(), PLAN.name)
    assert not draft.errors and draft.counts() == (3, 6, 11)
    assert (draft.round, draft.group, draft.feedback_date) == (
        "县委第五轮巡察",
        "县委第二巡察组",
        dt.date(2024, 6, 18),
    )
    measures = list(draft.measures())
    first = measures[0]
    assert (first.leader, first.department, first.term, first.due) == (
        "局党组书记",
        "办公室",
        Term.DEADLINE,
        dt.date(2024, 9, 30),
    )
    assert not first.due_defaulted and first.status == Status.PLANNED
    ongoing = measures[2]
    assert (ongoing.term, ongoing.status, ongoing.due) == (Term.ONGOING, Status.ONGOING, None)
    assert measures[7].term == Term.IMMEDIATE  # 立行立改
    inspection = commit_draft(draft, "县农业农村局", actor=None)
    saved = Measure.objects.filter(problem__inspection=inspection).order_by("pk").first()
    assert (saved.leader, saved.department, saved.due) == (
        "局党组书记",
        "办公室",
        dt.date(2024, 9, 30),
    )


def test_a_table_gives_the_owner_named_in_it():
    path = SAMPLES / "tables" / "yunling-archives-plan-2023.docx"
    draft = draft_from_file(path.read_bytes(), path.name)
    assert [m.owner for m in draft.measures()][:3] == ["张华", "张华", "李芳"]


def test_a_feedback_pdf_gives_problems_without_measures_but_with_their_findings(units):
    path = SAMPLES / "pdf" / "donghu-housing-feedback-2023.pdf"
    draft = read_bounded(path.read_bytes(), path.name)  # as the page reads it
    assert not draft.errors and draft.counts() == (3, 6, 0)
    assert draft.feedback_date == dt.date(2023, 12, 15)
    inspection = commit_draft(draft, units["A"].name, actor=None)
    problems = Problem.objects.filter(inspection=inspection, parent__isnull=False)
    assert problems.count() == 6
    first = problems.order_by("parent__position", "position").first()
    assert first.title == "推进老旧小区改造工作不够有力"
    assert first.description.startswith("一是改造项目进度滞后")


def _blank_pdf() -> bytes:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data,words",
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "内容不是 PDF 文件"),  # a program renamed .pdf
        ("<html><body>反馈意见</body></html>".encode(), "网页"),
        (_blank_pdf(), "扫描件"),
    ],
)
def test_it_refuses_what_is_not_a_readable_pdf(data, words):
    with pytest.raises(LedgerError) as raised:
        draft_from_file(data, "反馈意见.pdf")
    assert words in str(raised.value) and "反馈意见.pdf" in str(raised.value)


def test_the_page_previews_a_pdf_and_a_table_plan(login, cast, units):
    assert unsupported("反馈意见.pdf") is None and ".pdf" in unsupported("a.ofd")
    client = login("alice")
    for path, words in (
        (SAMPLES / "pdf" / "wuchuan-transport-2024.pdf", "项目前期工作推进慢"),
        (PLAN, "局党组书记"),
    ):
        file = io.BytesIO(path.read_bytes())
        file.name = path.name
        response = client.post(reverse("ledger:import"), {"file": file})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert words in client.get(response.url).content.decode()
    assert not Inspection.objects.exists()
