"""The notice written from the ledger: title, numbering, totals, withholding, progress."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_ledger
from tests.disclosure.conftest import report
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger.models import Inspection, Measure, Problem, Withholding
from zhenggai.notices.render import to_text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 29)


def text_of(inspection, internal=False):
    inspection = Inspection.objects.select_related("unit").get(pk=inspection.pk)
    notice = notice_from_ledger(inspection, internal=internal, today=TODAY)
    return to_text(notice, internal=internal)


def problem(ledger, title) -> Problem:
    return Problem.objects.get(inspection=ledger, title=title)


def test_it_titles_signs_and_dates_the_notice(units):
    text = text_of(make_ledger(units["A"]))
    lines = text.splitlines()
    assert lines[0] == "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报"
    assert lines[-2:] == ["中共测试区甲单位党组", "2026年5月29日"]
    assert "联系方式：电话0571-12345678；来信地址：测试区和平路1号。" in text
    assert "2026年3月1日，区委第一巡察组向测试区甲单位党组反馈了巡察意见。" in text


def test_it_adds_the_kind_to_a_round_that_does_not_name_it(units):
    ledger = make_ledger(units["A"])
    Inspection.objects.filter(pk=ledger.pk).update(round="2025年度", kind="audit")
    assert text_of(ledger).startswith("中共测试区甲单位党组关于2025年度审计整改进展情况的通报")


def test_it_speaks_of_the_kind_of_supervision_throughout(units):
    ledger = make_ledger(units["A"])
    Inspection.objects.filter(pk=ledger.pk).update(kind="audit", group="区审计局")
    text = text_of(ledger)
    assert "反馈了审计意见" in text and "现将审计整改进展情况予以公布" in text
    assert "对审计整改落实情况进行监督" in text and "持续抓好审计反馈意见" in text
    assert "巡察" not in text.replace("一届区委第一轮巡察", "")


def test_it_numbers_sections_problems_and_measures(units):
    text = text_of(make_ledger(units["A"], categories=2, problems=2, measures=2))
    assert (
        "一、关于“类别问题1”问题的整改情况\n（一）针对“具体问题1-1”问题。一是措施0-0-0。二是措施0-0-1。\n"
        in text
    )
    assert "（二）针对“具体问题1-2”问题。" in text
    assert "二、关于“类别问题2”问题的整改情况\n（一）针对“具体问题2-1”问题。" in text


def test_it_leaves_a_single_problem_unnumbered_and_puts_own_measures_first(units):
    ledger = make_ledger(units["A"], categories=1, problems=1, measures=1)
    category = problem(ledger, "类别问题1")
    Measure.objects.create(problem=category, text="召开党组会议专题研究。")
    text = text_of(ledger)
    assert "整改情况\n一是召开党组会议专题研究。\n针对“具体问题1-1”问题。一是措施0-0-0。\n" in text


def test_it_counts_problems_done_by_measures_or_by_sign_off(units):
    ledger = make_ledger(units["A"], categories=2, problems=2, measures=2)
    assert "反馈问题4个，已完成整改0个，持续整改4个，问题整改完成率0%。" in text_of(ledger)
    Measure.objects.filter(problem=problem(ledger, "具体问题1-1")).update(status="done")
    Problem.objects.filter(pk=problem(ledger, "具体问题2-2").pk).update(closed_at=timezone.now())
    assert "反馈问题4个，已完成整改2个，持续整改2个，问题整改完成率50%。" in text_of(ledger)


def test_it_keeps_problems_with_ongoing_measures_among_the_continuing(units):
    ledger = make_ledger(units["A"], categories=1, problems=3, measures=1)
    Measure.objects.filter(problem__inspection=ledger).update(status="done")
    Measure.objects.filter(problem=problem(ledger, "具体问题1-3")).update(status="ongoing")
    assert "反馈问题3个，已完成整改2个，持续整改1个，问题整改完成率66.67%。" in text_of(ledger)


def test_it_counts_a_category_without_specific_problems_as_one(units):
    ledger = make_ledger(units["A"], categories=1, problems=1, measures=1)
    lone = Problem.objects.create(inspection=ledger, title="单列问题", position=9)
    Measure.objects.create(problem=lone, text="立行立改", status="done")
    text = text_of(ledger)
    assert "反馈问题2个，已完成整改1个，持续整改1个，问题整改完成率50%。" in text
    assert "二、关于“单列”问题的整改情况\n一是立行立改。\n" in text


def withhold(obj):
    type(obj).objects.filter(pk=obj.pk).update(
        withhold_reason=Withholding.CASE, withhold_approver="张书记"
    )


def test_it_leaves_withheld_problems_out_and_closes_up_the_numbering(units):
    ledger = make_ledger(units["A"], categories=2, problems=3, measures=1)
    withhold(problem(ledger, "具体问题1-2"))
    withhold(problem(ledger, "类别问题1"))
    Measure.objects.filter(problem__inspection=ledger).update(status="done")
    text = text_of(ledger)
    assert "类别问题1" not in text and "具体问题1-2" not in text
    assert "一、关于“类别问题2”问题的整改情况" in text and "二、" not in text
    assert "反馈问题3个，已完成整改3个，持续整改0个，问题整改完成率100%。" in text


def test_it_closes_up_problem_and_measure_numbers(units):
    ledger = make_ledger(units["A"], categories=1, problems=3, measures=3)
    withhold(problem(ledger, "具体问题1-2"))
    withhold(Measure.objects.get(text="措施0-0-1"))
    text = text_of(ledger)
    assert "（一）针对“具体问题1-1”问题。一是措施0-0-0。二是措施0-0-2。\n" in text
    assert "（二）针对“具体问题1-3”问题。" in text and "（三）" not in text
    assert "反馈问题2个" in text and "不公开" not in text and "张书记" not in text


def test_it_keeps_withheld_items_in_the_internal_version_marked_internal(units):
    ledger = make_ledger(units["A"], categories=1, problems=3, measures=3)
    withhold(problem(ledger, "具体问题1-2"))
    withhold(Measure.objects.get(text="措施0-0-1"))
    text = text_of(ledger, internal=True)
    assert text.splitlines()[0] == "内部"
    assert "一是措施0-0-0。二是措施0-0-1。三是措施0-0-2。" in text
    assert "（二）针对“具体问题1-2”问题。" in text and "反馈问题3个" in text
    assert not text_of(ledger).startswith("内部")


def test_it_writes_the_latest_progress_and_its_figures(units):
    ledger = make_ledger(units["A"], categories=1, problems=1, measures=1)
    measure = Measure.objects.get(problem__inspection=ledger)
    report(measure, "旧的进展", ("召开会议", 1, "次"), on=dt.date(2026, 3, 10))
    report(
        measure,
        "已召开专题会议\n研究部署整改工作。",
        ("召开专题会议", 3, "次"),
        ("追回资金", "146.5", "万元"),
        on=dt.date(2026, 4, 10),
    )
    text = text_of(ledger)
    assert (
        "一是措施0-0-0。已召开专题会议研究部署整改工作。召开专题会议3次，追回资金146.5万元。"
        in text
    )
    assert "旧的进展" not in text


def test_it_does_not_repeat_a_figure_the_report_states(units):
    ledger = make_ledger(units["A"], categories=1, problems=1, measures=1)
    measure = Measure.objects.get(problem__inspection=ledger)
    report(measure, "累计培训干部120人次", ("培训干部", 120, "人次"))
    notice = notice_from_ledger(ledger, today=TODAY)
    assert notice.sections[0].problems[0].measures[0].text == "措施0-0-0。累计培训干部120人次。"
    assert [(f.value, f.unit) for f in notice.figures] == [(120.0, "人次")]


@pytest.mark.parametrize("size", [(1, 1, 1), (4, 5, 6)])
def test_it_reads_the_ledger_in_a_fixed_number_of_queries(units, size, django_assert_num_queries):
    ledger = make_ledger(units["A"], categories=size[0], problems=size[1], measures=size[2])
    for measure in Measure.objects.filter(problem__inspection=ledger)[:5]:
        report(measure, "已推进", ("召开会议", 2, "次"))
    ledger = Inspection.objects.select_related("unit").get(pk=ledger.pk)
    # Six reads of the ledger, and one for the persons held accountable (问责).
    with django_assert_num_queries(7):
        notice_from_ledger(ledger, today=TODAY)
