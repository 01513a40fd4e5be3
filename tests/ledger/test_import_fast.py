"""The import's write by plain SQL (issue 16, item 4): the same rows, entries and counts
as the ORM and the search fill made, in a number of statements that does not grow with
the rows of a batch."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhenggai.ledger import counts, search
from zhenggai.ledger import draft as drafts
from zhenggai.ledger.draft import (
    DraftCategory,
    DraftFigure,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    commit_draft,
)
from zhenggai.ledger.models import (
    Evidence,
    Figure,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
    SearchEntry,
)

FEEDBACK = dt.date(2026, 3, 1)
LONG = "关于落实全面从严治党主体责任不够到位" * 30  # over the 500 characters of a title


def rich_draft(per_problem: int = 3) -> LedgerDraft:
    """Categories with and without specific problems, a measure on a category, every
    status, progress with figures and evidence, and a title too long for its field."""
    draft = LedgerDraft(
        round="一届区委第二轮巡察", feedback_date=FEEDBACK, reported_on=dt.date(2026, 4, 1)
    )
    first = DraftCategory("关于理论学习不够深入的问题", "第一部分")
    first.measures = [DraftMeasure("类别下的措施：修订学习制度", "第1行", owner="王某")]
    statuses = list(Measure.Status)
    for p in range(2):
        problem = DraftProblem(f"学习流于形式{p}", f"第{p}项", description=f"一是……{p}")
        for m in range(per_problem):
            status = statuses[m % len(statuses)]
            problem.measures.append(
                DraftMeasure(
                    f"建立学习台账，每月召开中心组学习会第{p}-{m}项",
                    f"第{p}-{m}行",
                    leader="张某某",
                    department="办公室",
                    owner="李某",
                    term=Measure.Term.ONGOING if status == "ongoing" else Measure.Term.DEADLINE,
                    due=None if status == "ongoing" else FEEDBACK + dt.timedelta(days=30 + m),
                    status=status,
                    progress="已召开专题会议研究部署" if m % 2 else "",
                    evidence=["会议纪要", "学习台账"] if m % 3 == 0 else [],
                    figures=[DraftFigure(3, "次", "召开专题会议", approx=m == 2)]
                    if m % 2 == 0
                    else [],
                )
            )
        first.problems.append(problem)
    second = DraftCategory(LONG, "第二部分")
    second.measures = [DraftMeasure("整治形式主义", "第9行", status=Measure.Status.IN_PROGRESS)]
    draft.categories = [first, second]
    return draft


def test_it_writes_what_the_draft_says(cast, units):
    IndicatorRule.objects.create(name="召开会议次数", unit="次", keywords="会议")
    before = timezone.now()
    draft = rich_draft()
    inspection = commit_draft(draft, units["A"].name, actor=cast["alice"])
    problems = list(Problem.objects.filter(inspection=inspection).order_by("pk"))
    assert [(p.parent_id is None, p.position, p.title, p.description) for p in problems] == [
        (True, 1, "关于理论学习不够深入的问题", ""),
        (True, 2, LONG[:500], LONG),
        (False, 1, "学习流于形式0", "一是……0"),
        (False, 2, "学习流于形式1", "一是……1"),
    ]
    assert {p.parent_id for p in problems[2:]} == {problems[0].pk}
    measures = Measure.objects.filter(problem__inspection=inspection).order_by("pk")
    wanted = list(draft.measures())
    assert len(measures) == len(wanted) == 1 + 1 + 2 * 3
    by_text = {m.text: m for m in measures}
    for d in wanted:
        m = by_text[d.text]
        assert (m.leader, m.department, m.owner, m.term, m.due, m.status) == (
            d.leader,
            d.department,
            d.owner,
            d.term,
            d.due,
            d.status,
        )
        assert (m.done_at is not None) == (d.status == Measure.Status.DONE)
        assert m.done_at is None or m.done_at >= before
        assert m.version == 1 and m.original_due is None and m.owner_user is None
        reports = list(Progress.objects.filter(measure=m))
        assert len(reports) == (1 if d.progress or d.evidence or d.figures else 0)
        for r in reports:
            assert r.text == (d.progress or "见佐证材料")
            assert (r.author, r.reported_on) == (cast["alice"], dt.date(2026, 4, 1))
            assert r.created_at >= before and r.withdrawn_at is None
            assert sorted(e.reference for e in r.evidence.all()) == sorted(d.evidence)
            assert [
                (f.value, f.unit, f.counts, f.approx, f.indicator) for f in r.figures.all()
            ] == [(3, "次", "召开专题会议", f.approx, "召开会议次数") for f in d.figures]
    positions = [m.position for m in measures if m.problem_id == problems[2].pk]
    assert positions == [1, 2, 3]
    assert Figure.objects.filter(progress__measure__problem__inspection=inspection).count() == 4


def entries(inspection) -> list[tuple]:
    columns = ("kind", "object_id", "unit", "inspection", "problem", "measure")
    columns += ("title", "body", "url", "scope", "terms")
    rows = SearchEntry.objects.filter(inspection=inspection).order_by("pk")
    return list(rows.values_list(*columns))


def rebuilt(inspection) -> list[tuple]:
    SearchEntry.objects.filter(inspection=inspection).delete()
    search.fill_ledger(apps)
    return entries(inspection)


def test_its_search_entries_are_those_built_from_the_rows(cast, units):
    inspection = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    written = entries(inspection)
    assert len(written) == 4 + 8 + 6  # problems, measures, progress reports
    assert written == rebuilt(inspection)  # the same entries, in the same (ledger) order


def test_an_entry_already_there_is_kept(cast, units):
    inspection = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    rows = [tuple(row) for row in entries(inspection)]
    kept = SearchEntry.objects.get(kind=rows[0][0], object_id=rows[0][1])
    SearchEntry.objects.filter(inspection=inspection).exclude(pk=kept.pk).delete()
    SearchEntry.objects.filter(pk=kept.pk).update(title="一项操作刚写的")
    search.insert(rows)
    assert SearchEntry.objects.filter(inspection=inspection).count() == len(rows)
    assert SearchEntry.objects.get(pk=kept.pk).title == "一项操作刚写的"


def test_ids_are_never_given_twice(cast, units):
    first = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    highest = Measure.all_objects.order_by("-pk").values_list("pk", flat=True)[0]
    Inspection.all_objects.filter(pk=first.pk).delete()
    second = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    ids = Measure.objects.filter(problem__inspection=second).values_list("pk", flat=True)
    assert min(ids) > highest  # as AUTOINCREMENT and sequences do: no id used again


def test_the_kept_counts_and_the_progress_messages(cast, units, monkeypatch):
    monkeypatch.setattr(drafts, "BATCH", 3)
    heard = []
    commit_draft(rich_draft(), units["A"].name, actor=cast["alice"], progress=heard.append)
    assert heard == ["已写入 3 项整改措施", "已写入 6 项整改措施"]  # 8 measures
    assert counts.differences(timezone.localdate()) == []


def queries(cast, unit, per_problem: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        commit_draft(rich_draft(per_problem), unit.name, actor=cast["alice"])
    return len(captured.captured_queries)


def test_a_batch_costs_the_same_statements_whatever_its_rows(cast, units, monkeypatch):
    monkeypatch.setattr(drafts, "BATCH", 1000)
    queries(cast, units["A"], 1)  # what is read once per process (access, keys)
    assert queries(cast, units["A"], 3) == queries(cast, units["A"], 60)


@pytest.mark.parametrize("broken", ["measures", "figures", "evidence"])
def test_a_failure_in_a_later_batch_leaves_nothing(cast, units, monkeypatch, broken):
    monkeypatch.setattr(drafts, "BATCH", 3)
    write = drafts._Rows.write
    model = {"measures": Measure, "figures": Figure, "evidence": Evidence}[broken]
    calls = []

    def failing(rows, values):
        if rows.model is model and values:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full")
        write(rows, values)

    monkeypatch.setattr(drafts._Rows, "write", failing)
    with pytest.raises(RuntimeError):
        commit_draft(rich_draft(), "新单位", actor=cast["olivia"])
    assert not Inspection.all_objects.exists() and not Measure.all_objects.exists()
    assert not Progress.all_objects.exists() and not SearchEntry.objects.exists()
