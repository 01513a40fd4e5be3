"""A notice written from a ledger, parsed back, gives the ledger: sections, problems,
measure counts and figures; the shared example survives import, export and parse."""

import datetime as dt
import json
import unicodedata
import zipfile
from io import BytesIO

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.disclosure.conftest import report
from tests.shared import example, scorer
from zhenggai.accounts.models import Unit
from zhenggai.cli import main as cli_main
from zhenggai.disclosure import exports
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger.draft import commit_draft
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.ledger.readers import draft_from_file
from zhenggai.notices import parse, read_file
from zhenggai.notices.render import to_text

pytestmark = pytest.mark.django_db
SUBJECTS = ["主体责任", "“两个责任”", "制度建设", "选人用人", "资金管理", "意识形态工作"]
VERDICTS = ["落实不够到位", "不够有力", "还有差距", "不够规范", "存在薄弱环节"]
ACTIONS = ["研究部署整改工作", "修订《资金管理办法》", "开展专项检查", "建立工作台账"]
FIGURES = [("召开专题会议", "次"), ("追回资金", "万元"), ("完善制度", "项"), ("培训干部", "人次")]


def norm(title: str) -> str:
    """A title as the notice quotes it: no quotes of any width, no closing 问题."""
    text = unicodedata.normalize("NFKC", title)
    return "".join(c for c in text if c not in "“”‘’\"'").removesuffix("问题")


def shape_of_ledger(inspection: Inspection):
    """(section title, own measure count, [(problem title, measure count)]) and figures."""
    problems = list(Problem.objects.filter(inspection=inspection))
    counts = {p.pk: p.measures.count() for p in problems}
    shape = [
        (
            norm(c.title),
            counts[c.pk],
            [(norm(s.title), counts[s.pk]) for s in problems if s.parent_id == c.pk],
        )
        for c in problems
        if c.parent_id is None
    ]
    return shape


def shape_of_notice(notice):
    return [
        (norm(s.title), len(s.measures), [(norm(p.title), len(p.measures)) for p in s.problems])
        for s in notice.sections
    ]


def measure_figures(notice):
    return [
        sorted((f.value, f.unit) for f in m.figures)
        for s in notice.sections
        for m in [*s.measures, *(m for p in s.problems for m in p.measures)]
    ]


def test_a_written_ledger_parses_back_to_itself(units):
    inspection = Inspection.objects.create(
        unit=units["A"],
        round="一届区委第一轮巡察",
        group="区委第一巡察组",
        start=dt.date(2026, 1, 5),
        end=dt.date(2026, 2, 20),
        feedback_date=dt.date(2026, 3, 1),
    )
    category = Problem.objects.create(inspection=inspection, title="落实“两个责任”不够有力")
    Measure.objects.create(problem=category, text="召开党组会议专题研究")
    sub = Problem.objects.create(
        inspection=inspection, parent=category, title="主体责任落实不够到位"
    )
    first = Measure.objects.create(problem=sub, text="制定责任清单")
    Measure.objects.create(problem=sub, text="开展警示教育")
    Problem.objects.create(inspection=inspection, parent=category, title="监督责任还有差距")
    report(first, "已印发责任清单", ("明确责任事项", 42, "项"), ("追回资金", "146.5", "万元"))
    notice = notice_from_ledger(inspection, today=dt.date(2026, 5, 29))
    back = parse(to_text(notice))
    assert shape_of_notice(back) == shape_of_ledger(inspection)
    assert measure_figures(back)[:2] == [[], [(42.0, "项"), (146.5, "万元")]]
    assert (back.title, back.issuer, back.date) == (notice.title, notice.issuer, notice.date)
    assert back.inspection.to_json() == notice.inspection.to_json()
    assert back.contact.phone == "0571-12345678"


@st.composite
def ledgers(draw):
    """Sections of problems and own measures; measures of one to two clauses and figures."""
    sections = []
    for _ in range(draw(st.integers(1, 4))):
        own = draw(st.lists(measures(), max_size=2))
        problems = draw(
            st.lists(st.tuples(titles(), st.lists(measures(), min_size=1, max_size=4)), max_size=4)
        )
        if not own and not problems:
            own = [draw(measures())]
        sections.append((draw(titles()), own, problems))
    return sections


@st.composite
def titles(draw):
    return draw(st.sampled_from(SUBJECTS)) + draw(st.sampled_from(VERDICTS))


@st.composite
def measures(draw):
    text = draw(st.sampled_from(ACTIONS))
    figures = []
    if draw(st.booleans()):
        words, unit = draw(st.sampled_from(FIGURES))
        figures.append((words, draw(st.integers(1, 9999)), unit))
    return text, figures


def write(inspection, parent, measures_, position=0):
    for text, figures in measures_:
        measure = Measure.objects.create(problem=parent, text=text, position=position)
        if figures:
            report(measure, "已推进", *figures)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=ledgers())
def test_any_ledger_parses_back_to_itself(units, shape):
    with transaction.atomic():
        inspection = Inspection.objects.create(
            unit=units["A"],
            round="一届区委第一轮巡察",
            group="区委第一巡察组",
            feedback_date=dt.date(2026, 3, 1),
        )
        for title, own, problems in shape:
            category = Problem.objects.create(inspection=inspection, title=title)
            write(inspection, category, own)
            for sub_title, sub_measures in problems:
                sub = Problem.objects.create(
                    inspection=inspection, parent=category, title=sub_title
                )
                write(inspection, sub, sub_measures)
        notice = notice_from_ledger(inspection)
        back = parse(to_text(notice))
        assert shape_of_notice(back) == shape_of_ledger(inspection)
        assert measure_figures(back) == measure_figures(notice)
        transaction.set_rollback(True)


def test_the_example_imported_exported_and_parsed_scores_at_least_0_9(db):
    source = parse(read_file(example()))
    data = example().read_bytes()
    inspection = commit_draft(draft_from_file(data, "notice.txt"), "临平区总工会", actor=None)
    # The unit the import creates signs and answers as the notice did.
    assert inspection.unit.full_name == "中共杭州市临平区总工会党组"
    assert inspection.unit.phone == "89089699"
    text = to_text(notice_from_ledger(inspection, today=source.date))
    gold = json.loads(example("gold.json").read_text(encoding="utf-8"))
    result = scorer().score(gold, parse(text).to_json())
    assert result["score"] >= 0.9, result
    assert result["measure_counts"]["exact"] == result["measure_counts"]["nodes"]


def test_the_exports_are_text_a_whole_page_and_a_word_file(units):
    inspection = Inspection.objects.create(
        unit=units["A"], round="第一轮巡察", feedback_date=dt.date(2026, 3, 1)
    )
    category = Problem.objects.create(inspection=inspection, title="<script>alert(1)</script>")
    Measure.objects.create(problem=category, text="整改 & 落实")
    text = exports.notice_txt(inspection).decode("utf-8")
    assert "<script>alert(1)</script>" in text
    page = exports.notice_html(inspection).decode("utf-8")
    assert page.startswith("<!doctype html>") and '<meta charset="utf-8">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "整改 &amp; 落实" in page
    assert page.rstrip().endswith("</html>")
    docx = exports.notice_docx(inspection, internal=True)
    xml = zipfile.ZipFile(BytesIO(docx)).read("word/document.xml").decode()
    assert "w:eastAsia" in xml and "内部" in xml


def test_the_command_exports_the_notice(units, tmp_path, capsys):
    unit = Unit.objects.get(pk=units["A"].pk)
    inspection = Inspection.objects.create(
        unit=unit, round="第一轮巡察", feedback_date=dt.date(2026, 3, 1)
    )
    Measure.objects.create(
        problem=Problem.objects.create(inspection=inspection, title="甲"), text="乙"
    )
    assert cli_main(["export", str(inspection.pk), "--format", "txt"]) == 0
    assert capsys.readouterr().out.startswith("中共测试区甲单位党组关于第一轮巡察整改进展")
    target = tmp_path / "通报.docx"
    assert cli_main(["export", str(inspection.pk), "--format", "docx", "-o", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"
