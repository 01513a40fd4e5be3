"""整改质量: each paper-rectification check raises its flag on the rows it concerns, the
page and the 销号 review show them in a fixed number of queries, the office dismisses."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_ledger
from zhenggai.audit.models import Event
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import quality as q
from zhenggai.oversight import services as oversight
from zhenggai.oversight.models import FlagDismissal

pytestmark = pytest.mark.django_db
DONE = Measure.Status.DONE
COPIED = "建立干部选拔任用全程纪实制度并于每季度开展一次专项检查"


@pytest.mark.parametrize(
    "text,vague",
    [
        ("进一步加强理论学习", True),
        ("切实提高思想认识，不断强化责任担当", True),
        ("持续深化作风建设", True),
        ("进一步加强理论学习，每月召开1次中心组学习会", False),
        ("进一步加强财务管理，修订差旅费管理办法", False),
        ("切实提高审批效率，2026年6月底前完成系统改造", False),
        ("持续深化作风建设，开展三次专项检查", False),
        ("清退违规发放的津补贴", False),
    ],
)
def test_it_tells_a_vague_measure_from_a_concrete_one(text, vague):
    assert q.is_vague(text) is vague


@pytest.mark.parametrize(
    "progress,measure,echo",
    [
        ("进一步加强理论学习。", "一是进一步加强理论学习", True),
        ("加强理论学习", "进一步加强理论学习", True),
        ("进一步加强理论学习，已完成", "进一步加强理论学习", True),
        ("3月5日召开中心组学习会，12人参加，形成学习纪要", "进一步加强理论学习", False),
        ("", "进一步加强理论学习", False),
    ],
)
def test_it_tells_progress_that_repeats_its_measure(progress, measure, echo):
    assert q.echoes(progress, measure) is echo


def pdf(name="纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")


def measures_of(inspection):
    return list(Measure.objects.filter(problem__inspection=inspection).order_by("pk"))


def done_on(measure, day: dt.date):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Measure.objects.filter(pk=measure.pk).update(status=DONE, done_at=at)


@pytest.fixture
def flagged(cast, units):
    """Unit A's ledger with one case of every check, unit B's with the copied measure."""
    a = make_ledger(units["A"], categories=1, problems=3, measures=2)
    b = make_ledger(units["B"], categories=1, problems=1, measures=1)
    Measure.objects.all().update(status=Measure.Status.PLANNED)
    m = measures_of(a)
    Measure.objects.filter(pk=m[0].pk).update(text="进一步加强理论学习")
    Measure.objects.filter(pk__in=[m[1].pk, measures_of(b)[0].pk]).update(text=COPIED)
    done_on(m[2], dt.date(2026, 4, 1))  # done, no evidence
    # Evidence uploaded (today) after the completion (2026-04-01).
    ledger.report_progress(
        m[3],
        actor=cast["alice"],
        text="已召开专题会议",
        reported_on=dt.date(2026, 3, 20),
        files=[pdf()],
    )
    done_on(m[3], dt.date(2026, 4, 1))
    ledger.report_progress(
        m[4], actor=cast["alice"], text="进一步加强理论学习。", reported_on=dt.date(2026, 3, 20)
    )
    Measure.objects.filter(pk=m[4].pk).update(text="一是进一步加强理论学习，每月一次")
    return a, b, m


def codes(found) -> set[tuple[str, int]]:
    return {(f.check.code, f.measure.pk) for f in found}


def test_each_check_flags_the_rows_it_concerns(flagged, cast):
    a, b, m = flagged
    found = q.flags(q.scope(cast["olivia"], a.round))
    b0 = measures_of(b)[0]
    assert codes(found) >= {
        ("vague", m[0].pk),
        ("copied", m[1].pk),
        ("copied", b0.pk),
        ("no_evidence", m[2].pk),
        ("late_evidence", m[3].pk),
        ("echo", m[4].pk),
    }
    by_key = {(f.check.code, f.measure.pk): f for f in found}
    assert "乙单位" in by_key["copied", m[1].pk].detail
    assert "2026年4月1日" in by_key["late_evidence", m[3].pk].detail
    # Nothing flags what is fine: the concrete, open measures stay quiet.
    assert not {pk for _c, pk in codes(found)} & {m[5].pk}
    assert ("vague", m[4].pk) not in codes(found)  # 每月一次 is concrete


def test_a_burst_of_completions_on_the_due_date_is_flagged(cast, units):
    inspection = make_ledger(units["A"], categories=1, problems=3, measures=2)
    due = dt.date(2026, 6, 30)
    m = measures_of(inspection)
    Measure.objects.filter(pk__in=[x.pk for x in m]).update(due=due)
    for x in m[: q.BURST - 1]:
        done_on(x, due)
    found = q.flags(q.scope(cast["olivia"], inspection.round))
    assert not [f for f in found if f.check.code == "due_burst"]
    done_on(m[q.BURST - 1], due)
    found = q.flags(q.scope(cast["olivia"], inspection.round))
    burst = {f.measure.pk for f in found if f.check.code == "due_burst"}
    assert burst == {x.pk for x in m[: q.BURST]}


def test_the_page_lists_checks_with_reasons_in_a_fixed_number_of_queries(
    flagged, cast, client, units
):
    client.force_login(cast["olivia"])
    url = reverse("oversight:quality")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, page = count()
    for check in q.CHECKS:
        if check.code != "due_burst":
            assert check.name in page and check.reason in page
    more = make_ledger(units["B"], categories=2, problems=3, measures=3)
    Measure.objects.filter(problem__inspection=more).update(text=COPIED, status=DONE)
    many, page = count()
    assert many == few
    assert page.count(COPIED[:20]) > 10


def test_the_office_dismisses_a_flag_with_a_reason(flagged, cast, client):
    a, _b, m = flagged
    client.force_login(cast["olivia"])
    url = reverse("oversight:flag-dismiss")
    body = {"measure": m[2].pk, "signal": "no_evidence", "reason": "  "}
    response = client.post(url, body, follow=True)
    assert "须写明理由" in response.content.decode() and not FlagDismissal.objects.exists()
    body["reason"] = "纸质材料已现场查验"
    assert client.post(url, body).status_code == 302
    kept = FlagDismissal.objects.get()
    assert (kept.signal, kept.measure_id, kept.dismissed_by) == (
        "no_evidence",
        m[2].pk,
        cast["olivia"],
    )
    assert Event.objects.filter(act="flag.dismissed").count() == 1
    result = {r.check.code: r for r in q.by_check(q.flags(q.scope(cast["olivia"], a.round)))}
    assert [f.measure.pk for f in result["no_evidence"].dismissed] == [m[2].pk]
    assert m[2].pk not in [f.measure.pk for f in result["no_evidence"].flags]
    page = client.get(reverse("oversight:quality")).content.decode()
    assert "纸质材料已现场查验" in page


def test_only_the_office_dismisses(flagged, cast, client):
    _a, _b, m = flagged
    for name in ("alice", "lena"):
        client.force_login(cast[name])
        body = {"measure": m[2].pk, "signal": "no_evidence", "reason": "已核实"}
        assert client.post(reverse("oversight:flag-dismiss"), body).status_code == 403
    assert not FlagDismissal.objects.exists()


def test_the_signoff_review_shows_the_problems_flags(cast, client, units):
    inspection = make_ledger(units["A"], categories=1, problems=1, measures=2)
    Measure.objects.filter(problem__inspection=inspection).update(
        status=DONE, done_at=timezone.now()
    )
    problem = Problem.objects.get(inspection=inspection, parent__isnull=False)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    url = reverse("oversight:signoff-detail", args=[signoff.pk])
    client.force_login(cast["olivia"])
    page = client.get(url).content.decode()
    assert "完成无佐证" in page and q.BY_CODE["no_evidence"].reason in page
    assert reverse("oversight:flag-dismiss") in page
    client.force_login(cast["alice"])
    page = client.get(url).content.decode()
    assert "完成无佐证" in page and reverse("oversight:flag-dismiss") not in page


def test_the_signoff_review_costs_the_same_queries_in_a_larger_round(cast, client, units):
    inspection = make_ledger(units["A"], categories=1, problems=1, measures=2)
    Measure.objects.filter(problem__inspection=inspection).update(status=DONE)
    problem = Problem.objects.get(inspection=inspection, parent__isnull=False)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    url = reverse("oversight:signoff-detail", args=[signoff.pk])
    client.force_login(cast["olivia"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    more = make_ledger(units["B"], categories=2, problems=3, measures=3)
    Measure.objects.filter(problem__inspection=more).update(text=COPIED, status=DONE)
    assert count() == few
