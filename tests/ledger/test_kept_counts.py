"""The dashboard's kept counts follow every act, in its transaction, and check-counts
finds any difference from a scan."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_ledger
from zhenggai.accounts.access import Access
from zhenggai.ledger import counts, services
from zhenggai.ledger.commands import run_check_counts
from zhenggai.ledger.models import KeptCount, Measure, Problem
from zhenggai.oversight import services as oversight
from zhenggai.oversight.dashboard import Filters, Scope, build

pytestmark = pytest.mark.django_db
REPORTED = dt.date(2026, 4, 2)


def agree(today=None) -> None:
    assert counts.differences(today or timezone.localdate()) == []


def test_every_act_keeps_the_counts(cast, units):
    """Each service that changes a measure, a problem or an inspection, one after another."""
    actor, office = cast["alice"], cast["olivia"]
    inspection = make_ledger(units["A"])
    agree()
    category = services.add_problem(inspection, actor=actor, title="新增类别")
    agree()
    measure = services.add_measure(category, actor=actor, text="新增措施", due=dt.date(2026, 4, 10))
    agree()
    services.update_measure(measure, actor=actor, status=Measure.Status.IN_PROGRESS)
    agree()
    services.update_measure(measure, actor=actor, due=dt.date(2026, 9, 1))
    agree()
    services.update_measure(
        measure, actor=actor, term=Measure.Term.ONGOING, status=Measure.Status.ONGOING
    )
    agree()
    planned = Measure.objects.filter(problem__inspection=inspection, status="planned").first()
    services.report_progress(
        planned, actor=actor, text="已召开专题会议", reported_on=REPORTED, references=["会议纪要"]
    )
    assert Measure.objects.get(pk=planned.pk).status == Measure.Status.IN_PROGRESS
    agree()
    completion = services.request_completion(planned, actor=actor, note="已完成")
    services.confirm_completion(completion, actor=actor, inspected=True)
    agree()
    problem = planned.problem
    for m in Measure.objects.filter(problem=problem).exclude(status="done"):
        services.report_progress(
            m, actor=actor, text="已整改", reported_on=REPORTED, references=["台账"]
        )
        c = services.request_completion(m, actor=actor, note="已完成")
        services.confirm_completion(c, actor=actor, inspected=True)
    signoff = oversight.apply_signoff(problem, actor=actor)
    oversight.approve_signoff(signoff, actor=office)
    assert Problem.objects.get(pk=problem.pk).closed_at
    agree()
    services.delete_measure(measure, actor=actor)
    agree()
    services.delete_problem(category, actor=actor)
    agree()
    other = make_ledger(units["B"])
    services.delete_inspection(other, actor=cast["dave"])
    assert not KeptCount.objects.filter(inspection_id=other.pk).exists()
    agree()
    voided = make_ledger(units["B"])
    services.void_inspection(voided, actor=office, reason="重复导入")
    agree()
    board = build(Scope(Access(office=True)), Filters(), dt.date(2026, 4, 1))
    assert voided.pk not in {c.inspection.pk for c in board.clocks}
    assert (
        board.total.total == counts.tallies([inspection], dt.date(2026, 4, 1))[inspection.pk].total
    )


def test_a_report_on_a_started_measure_leaves_the_counts_alone(cast, units):
    """A progress report changes no counted field unless it starts a planned measure:
    the rows stay as they were (recounting every report held the audit chain's lock
    for nothing); starting a planned one recounts."""
    actor = cast["alice"]
    inspection = make_ledger(units["A"])
    planned = Measure.objects.filter(problem__inspection=inspection, status="planned").first()
    rows = set(KeptCount.objects.filter(inspection=inspection).values_list("pk", "n"))
    services.report_progress(
        planned, actor=actor, text="已召开专题会议", reported_on=REPORTED, references=["纪要"]
    )
    agree()
    after_start = set(KeptCount.objects.filter(inspection=inspection).values_list("pk", "n"))
    assert after_start != rows
    services.report_progress(
        Measure.objects.get(pk=planned.pk),
        actor=actor,
        text="已完成一半",
        reported_on=REPORTED,
        references=["台账"],
    )
    agree()
    assert set(KeptCount.objects.filter(inspection=inspection).values_list("pk", "n")) == (
        after_start
    )


def test_the_dashboard_reads_the_kept_counts_not_the_measures(cast, units):
    inspection = make_ledger(units["A"], categories=2, problems=2, measures=3)
    today = dt.date(2026, 4, 1)
    scanned = counts.tallies([inspection], today)[inspection.pk]
    board = build(Scope(Access(office=True)), Filters(), today)
    assert board.total.total == scanned.total == 12
    for name in ("done", "red", "soon", "blue", "problems", "rectified", "closed"):
        assert getattr(board.total, name) == getattr(scanned, name), name
    with CaptureQueriesContext(connection) as captured:
        build(Scope(Access(office=True)), Filters(), today)
    assert not any("ledger_measure" in q["sql"] and "COUNT" in q["sql"] for q in captured)


def test_folding_passed_dates_changes_no_figure(cast, units):
    inspection = make_ledger(units["A"], categories=3, problems=3, measures=4)
    today = dt.date(2026, 4, 10)  # 3月31日 and 4月2日 have passed
    before = counts.kept_tallies(counts.Q(inspection=inspection), today)[inspection.pk]
    rows = KeptCount.objects.count()
    assert counts.fold(today, at_least=1) == 1
    after = counts.kept_tallies(counts.Q(inspection=inspection), today)[inspection.pk]
    assert after == before and (after.red, after.soon) == (18, 0)
    assert KeptCount.objects.count() < rows
    assert KeptCount.objects.filter(due=KeptCount.PAST).count() == 1
    assert counts.fold(today, at_least=1) == 0  # nothing passed since
    # a change after the fold is kept by its own date again, and still adds up
    services.update_measure(
        Measure.objects.filter(problem__inspection=inspection, status="planned").first(),
        actor=cast["alice"],
        status=Measure.Status.IN_PROGRESS,
    )
    agree(today)


def test_check_counts_reports_a_difference_and_fixes_it(cast, units, capsys):
    inspection = make_ledger(units["A"])
    assert run_check_counts(SimpleNamespace(fix=False)) == 0
    row = KeptCount.objects.filter(inspection=inspection, status="done").first()
    row.n += 2
    row.save()
    assert run_check_counts(SimpleNamespace(fix=False)) == 1
    out = capsys.readouterr().out
    assert f"巡察 {inspection.pk}：" in out and "done 扫描 4，计数 6" in out
    assert run_check_counts(SimpleNamespace(fix=True)) == 1
    assert run_check_counts(SimpleNamespace(fix=False)) == 0
    assert "1 个与扫描不一致" not in capsys.readouterr().out.splitlines()[-1]
