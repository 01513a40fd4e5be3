"""One truth: every page, document and workbook reports the same counts, rates and lights.

Random two-level ledgers (every term and status, due dates around the day, sign-offs,
withheld items, units and sub-units) are written and then read through each surface;
each answer is compared with the oracle of `tests.random_ledgers`, which knows only the
definitions. "Today" is chosen with the ledger and given to every page by patching
`timezone.localdate`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from tests import random_ledgers as rl
from tests.conftest import PASSWORD
from zhenggai.accounts.models import Unit
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger import services as ledger_services
from zhenggai.ledger.counts import differences, tally
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.ledger.readers import draft_from_file
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook import export_inspection
from zhenggai.notices.render import to_text
from zhenggai.oversight import dashboard
from zhenggai.oversight.reminders import build_digests
from zhenggai.oversight.statistics import as_text, round_summary, statement

pytestmark = pytest.mark.django_db
Term, Status = Measure.Term, Measure.Status


@pytest.fixture
def world_units(units):
    return {**units, "B1": Unit.objects.create(name="乙单位下属站", parent=units["B"])}


@pytest.fixture(autouse=True)
def _workbook_temp_in_memory(monkeypatch):
    # XlsxWriter's constant_memory mode writes and removes a dozen temporary files per
    # workbook; on a RAM disk the hundreds of workbooks of a run cost seconds, not half a
    # minute.
    if os.access("/dev/shm", os.W_OK):
        monkeypatch.setattr(tempfile, "tempdir", "/dev/shm")


@pytest.fixture
def office(client, cast):
    assert client.login(username="olivia", password=PASSWORD)
    return client


@contextmanager
def frozen_today(today: dt.date):
    """Pages ask `timezone.localdate()`; a date given to it is still converted."""
    real = timezone.localdate

    def localdate(value=None, tz=None):
        return today if value is None else real(value, tz)

    with mock.patch.object(timezone, "localdate", localdate):
        yield


def counts_of(t) -> dict:
    return {name: getattr(t, name) for name in rl.FIELDS}


def expect(t) -> dict:
    return {name: t[name] for name in rl.FIELDS}


def by_unit_name(ledgers, names: dict) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for ledger in ledgers:
        grouped.setdefault(names[ledger.unit], []).append(ledger)
    return grouped


def rates_of(t) -> tuple[str, str]:
    return str(t.problem_rate), str(t.measure_rate)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=rl.worlds(), public_workbooks=st.booleans())
def test_it_tells_one_truth_on_every_surface(world_units, cast, office, world, public_workbooks):
    with frozen_today(world.today), transaction.atomic():
        rl.write(world, world_units, cast["owen"])
        check_lights(world)
        check_ledger_pages(office, world)
        check_home(office, world)
        names = {key: unit.name for key, unit in world_units.items()}
        check_dashboard(office, world, names)
        check_statistics(world, names)
        check_reminders(world)
        for ledger in world.ledgers:
            inspection = Inspection.objects.select_related("unit").get(pk=ledger.pk)
            check_notices(inspection, ledger, world.today)
            check_workbooks(inspection, ledger, world.today, public_workbooks)
        transaction.set_rollback(True)


OPS = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.sampled_from(["planned", "in_progress", "ongoing", "later", "sooner", "delete"]),
    ),
    max_size=6,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=rl.worlds(), ops=OPS)
def test_the_kept_counts_equal_the_scan_after_random_acts(world_units, cast, world, ops):
    """The dashboard's kept counts (counts.keep) against a scan, after random acts."""
    with frozen_today(world.today), transaction.atomic():
        rl.write(world, world_units, cast["owen"])
        assert differences(world.today) == []
        measures = list(Measure.objects.select_related("problem__inspection").order_by("pk"))
        for index, op in ops:
            if not measures:
                break
            measure = measures[index % len(measures)]
            try:
                with transaction.atomic():
                    act(measure, op, cast["alice"])
            except LedgerError:
                pass  # refused, and nothing changed
            if op == "delete" and not Measure.objects.filter(pk=measure.pk).exists():
                measures.remove(measure)
            assert differences(world.today) == [], op
        transaction.set_rollback(True)


def act(measure: Measure, op: str, actor) -> None:
    measure = Measure.objects.get(pk=measure.pk)
    if op == "delete":
        ledger_services.delete_measure(measure, actor=actor)
    elif op in ("later", "sooner"):
        shift = dt.timedelta(days=5 if op == "later" else -5)
        due = (measure.due or measure.problem.inspection.feedback_date) + shift
        ledger_services.update_measure(measure, actor=actor, due=due)
    else:
        ledger_services.update_measure(measure, actor=actor, status=op)


def check_lights(world):
    """Each measure's own answers and the database's overdue list, against the oracle."""
    today = world.today
    stored = {m.pk: m for m in Measure.objects.all()}
    for _ledger, spec in world.measures():
        measure = stored[spec.pk]
        assert measure.is_overdue(today) == rl.is_overdue(spec, today), spec
        assert measure.light(today) == rl.light(spec, today), spec
    overdue = {m.pk for _l, m in world.measures() if rl.is_overdue(m, today)}
    assert set(Measure.objects.overdue(today).values_list("pk", flat=True)) == overdue


def check_ledger_pages(client, world):
    """The ledger page: its summary line and the light of every measure in the tree."""
    for ledger in world.ledgers:
        response = client.get(reverse("ledger:inspection-detail", args=[ledger.pk]))
        assert response.status_code == 200
        t = rl.tally(ledger, world.today)
        stats = response.context["stats"]
        assert counts_of(stats) == expect(t)
        assert (stats.green, stats.yellow) == (
            t["done"],
            t["total"] - t["done"] - t["blue"] - t["red"],
        )
        problem_rate, measure_rate = rl.rates(t)
        assert (
            f"问题 {t['problems']} 个，已完成整改 {t['rectified']} 个，问题整改完成率 "
            f"<strong>{problem_rate}</strong>；整改措施 {t['total']} 项，已完成 {t['done']} 项，"
            f"措施完成率 <strong>{measure_rate}</strong>"
        ) in response.content.decode()
        colours = {
            m.pk: m.color
            for category in response.context["tree"]
            for item in [category, *category.subs]
            for m in item.items
        }
        assert colours == {m.pk: rl.light(m, world.today) for m in ledger.measures()}


def check_home(client, world):
    response = client.get(reverse("ledger:home"))
    assert response.status_code == 200
    rows = {row.pk: row.tally for row in response.context["inspections"]}
    assert set(rows) == {ledger.pk for ledger in world.ledgers}
    page = response.content.decode()
    for ledger in world.ledgers:
        t = rl.tally(ledger, world.today)
        assert counts_of(rows[ledger.pk]) == expect(t)
        assert rates_of(rows[ledger.pk]) == rl.rates(t)
        problem_rate, measure_rate = rl.rates(t)
        assert f'<td class="num">{t["rectified"]} / {t["problems"]}</td>' in page
        assert f'<td class="num">{problem_rate}</td>' in page
        assert f"</span></span> {measure_rate}</td>" in page


def check_dashboard(client, world, names):
    """Totals, the league table by unit, each inspection's clock and the overdue list."""
    today = world.today
    # The office's page builds the board as dashboard.build(Scope(office), Filters(), today).
    response = client.get(reverse("oversight:dashboard"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.today == today and response.context["office"]
    everything = rl.total(world.ledgers, today)
    assert counts_of(board.total) == expect(everything)
    assert rates_of(board.total) == rl.rates(everything)
    by_unit = by_unit_name(world.ledgers, names)
    league = {unit.name: t for unit, t in board.units}
    assert set(league) == set(by_unit)
    for name, ledgers in by_unit.items():
        t = rl.total(ledgers, today)
        assert counts_of(league[name]) == expect(t), name
        assert rates_of(league[name]) == rl.rates(t), name
    order = [(-t.problem_rate.value, -t.measure_rate.value, t.red) for _u, t in board.units]
    assert order == sorted(order)
    clocks = {clock.inspection.pk: clock.tally for clock in board.clocks}
    assert clocks.keys() == {ledger.pk for ledger in world.ledgers}
    for ledger in world.ledgers:
        assert counts_of(clocks[ledger.pk]) == expect(rl.tally(ledger, today))
    overdue = {m.pk for _l, m in world.measures() if rl.is_overdue(m, today)}
    listed = {m.pk for m in board.overdue}
    assert listed <= overdue and len(listed) == min(len(overdue), dashboard.LIST_LIMIT)
    soon = {m.pk for _l, m in world.measures() if rl.due_within(m, today, rl.SOON)}
    listed = {m.pk for m in board.due_soon}
    assert listed <= soon and len(listed) == min(len(soon), dashboard.LIST_LIMIT)
    page = response.content.decode()
    problem_rate, measure_rate = rl.rates(everything)
    assert f"问题整改完成率<b>{problem_rate}</b>" in page
    assert f"措施完成率<b>{measure_rate}</b>" in page
    assert f"超期<b>{everything['red']}</b>" in page
    assert f"已延期<b>{everything['extended']}</b>" in page


def check_statistics(world, names):
    """Each round's summary and statement: the round's figures and each unit's sentence."""
    today = world.today
    for round_name in sorted({ledger.round for ledger in world.ledgers}):
        ledgers = [ledger for ledger in world.ledgers if ledger.round == round_name]
        inspections = Inspection.objects.filter(round=round_name)
        summary = round_summary(round_name, inspections, today)
        t = rl.total(ledgers, today)
        assert counts_of(summary.total) == expect(t)
        by_unit = by_unit_name(ledgers, names)
        assert {name: counts_of(u) for name, u in summary.per_unit} == {
            name: expect(rl.total(group, today)) for name, group in by_unit.items()
        }
        persons, by_kind = rl.held(ledgers)
        assert (summary.held.total, summary.held.by_kind) == (persons, by_kind)
        text = as_text(statement(summary, [], today=today))
        problem_rate, measure_rate = rl.rates(t)
        extended = f"经批准延期的整改措施{t['extended']}项。" if t["extended"] else ""
        assert (
            f"巡察反馈的{t['problems']}个问题，完成整改{t['rectified']}个，其中已对账销号"
            f"{t['closed']}个，问题整改完成率{problem_rate}；制定的{t['total']}项整改措施，"
            f"已完成{t['done']}项，长期坚持{t['blue']}项，措施完成率{measure_rate}。"
            f"{extended}{rl.held_sentence(ledgers)}\n"
        ) in text
        assert not [n for ledger in ledgers for n in rl.person_names(ledger) if n in text]
        for name, group in by_unit.items():
            u = rl.total(group, today)
            p_rate, m_rate = rl.rates(u)
            assert (
                f"{name}：反馈问题{u['problems']}个，完成整改{u['rectified']}个，"
                f"问题整改完成率{p_rate}；整改措施{u['total']}项，已完成{u['done']}项，"
                f"措施完成率{m_rate}。"
            ) in text


def check_reminders(world):
    """Digests: office users hear of every overdue measure, leaders and owners of theirs."""
    today = world.today
    got = {(d.user.username, m.pk) for d in build_digests(today) for m in d.measures}
    expected = set()
    for ledger, m in world.measures():
        overdue = rl.is_overdue(m, today)
        if overdue:
            expected.add(("olivia", m.pk))
        if m.owned and (overdue or rl.due_within(m, today, rl.OWNER_DAYS)):
            expected.add(("owen", m.pk))
        if ledger.unit in ("A", "A1") and (overdue or rl.due_within(m, today, rl.LEADER_DAYS)):
            expected.add(("lena", m.pk))
    assert got == expected
    ongoing = {m.pk for _l, m in world.measures() if m.term == Term.ONGOING}
    assert not {pk for _user, pk in got} & ongoing


def check_notices(inspection, ledger, today):
    """The generated notice's figures, internal and public; the public one hides withheld."""
    for internal in (True, False):
        notice = notice_from_ledger(inspection, internal=internal, today=today)
        t = rl.tally(ledger, today, public=not internal)
        sentence = (
            f"反馈问题{t['problems']}个，已完成整改{t['rectified']}个，"
            f"持续整改{t['problems'] - t['rectified']}个，问题整改完成率{rl.rates(t)[0]}。"
        )
        state = notice.preamble[-1]
        if t["problems"]:
            assert sentence in state, (internal, state)
        else:
            assert "反馈问题" not in state
        extended = f"经批准延期的整改措施{t['extended']}项。" if t["extended"] else ""
        persons = rl.held_sentence([ledger], public=not internal)
        assert state.endswith(f"{extended}{persons}"), (internal, state)
        assert ("经批准延期" in state, "共问责" in state) == (bool(extended), bool(persons))
        text = to_text(notice, internal=internal)
        if internal:
            assert all(m.text in text for m in ledger.measures())
        else:
            assert not [w for w in rl.withheld_words(ledger) if w in text]
        # Persons held accountable are counted, never named, in either version.
        assert not [n for n in rl.person_names(ledger) if n in text]


def problem_list(data: bytes) -> list[list]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("问题清单")
    return [row for row in sheet.to_python() if any(v not in ("", None) for v in row)]


def check_workbooks(inspection, ledger, today, public: bool):
    """The 合计 row of the workbooks, and the import preview of the internal one.

    Writing a workbook costs more than every page together: the public one is checked
    on the examples hypothesis chooses (about half).
    """
    for internal in (True, False) if public else (True,):
        data = export_inspection(inspection, internal=internal)
        t = rl.tally(ledger, today, public=not internal)
        problem_rate, measure_rate = rl.rates(t)
        last = problem_list(data)[-1]
        assert [last[0], last[1], last[2], int(last[3]), int(last[4]), last[5]] == [
            "合计",
            f"问题{t['problems']}个，已完成整改{t['rectified']}个，问题整改完成率{problem_rate}",
            f"整改措施{t['total']}项，已完成{t['done']}项，措施完成率{measure_rate}",
            t["total"],
            t["done"],
            f"已销号{t['closed']}个",
        ]
        if internal:
            check_preview(data, ledger, today)


def check_preview(data: bytes, ledger, today):
    """The import preview of the exported workbook counts what the ledger holds."""
    t = rl.tally(ledger, today)
    if not t["total"]:
        return  # no measure, no row: the reader refuses an empty ledger sheet
    draft = draft_from_file(data, "整改台账.xlsx")
    assert not draft.errors
    measures = [m for c in draft.categories for p in [c, *c.problems] for m in p.measures]
    assert len(measures) == t["total"]
    assert sum(m.status == Status.DONE for m in measures) == t["done"]
    if rl.carried_by_workbook(ledger):
        categories = len(ledger.categories)
        specific = sum(len(c.problems) for c in ledger.categories)
        assert draft.counts() == (categories, specific, t["total"])
        assert draft.problems_counted() == t["problems"]


def test_it_previews_an_exported_ledger_with_a_problem_without_measures(units):
    inspection = Inspection.objects.create(
        unit=units["A"], round=rl.ROUNDS[0], feedback_date=dt.date(2026, 3, 1)
    )
    category = Problem.objects.create(inspection=inspection, position=1, title="类别1号")
    with_measure = Problem.objects.create(
        inspection=inspection, parent=category, position=1, title="具体问题1号"
    )
    Problem.objects.create(inspection=inspection, parent=category, position=2, title="具体问题2号")
    Measure.objects.create(problem=with_measure, text="措施1号", due=dt.date(2026, 5, 1))
    draft = draft_from_file(export_inspection(inspection, internal=True), "整改台账.xlsx")
    assert tally([inspection], dt.date(2026, 4, 1)).problems == 2  # the pages' count
    assert (draft.problems_counted(), draft.counts()) == (2, (1, 2, 1))
