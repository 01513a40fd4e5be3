"""Two people saving the same measure at once: one wins, the other is told."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import make_ledger
from zhenggai.ledger import counts, services
from zhenggai.ledger.models import Measure, Progress

pytestmark = pytest.mark.django_db(transaction=True)


def save_in_thread(pk, actor, text, barrier, results):
    try:
        measure = Measure.objects.get(pk=pk)  # both read version 1
        barrier.wait(timeout=10)
        services.update_measure(measure, actor=actor, version=1, text=text)
        results[text] = "saved"
    except services.LedgerError as exc:
        results[text] = str(exc)
    finally:
        connection.close()


def test_it_loses_no_update_when_two_connections_save_at_once(ledger_a, cast):
    pk = Measure.objects.filter(problem__inspection=ledger_a).first().pk
    barrier, results = threading.Barrier(2), {}
    threads = [
        threading.Thread(target=save_in_thread, args=(pk, cast[name], text, barrier, results))
        for name, text in (("alice", "甲的修改"), ("alice", "乙的修改"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert list(results.values()).count("saved") == 1
    winner = Measure.objects.get(pk=pk)
    loser = next(text for text, outcome in results.items() if outcome != "saved")
    assert winner.version == 2 and winner.text != loser
    assert "已被他人修改" in results[loser] and winner.text in results[loser]


def test_it_shows_a_stale_form_what_changed(login, ledger_a):
    measure = Measure.objects.filter(problem__inspection=ledger_a).first()
    client = login("alice")
    form = {
        "text": "第一人",
        "term": "deadline",
        "due": "2026-05-01",
        "status": "planned",
        "version": 1,
    }
    url = f"/measures/{measure.pk}/edit/"
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "text": "第二人"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "已被他人修改" in page and "整改措施“第一人”" in page
    assert Measure.objects.get(pk=measure.pk).text == "第一人"


def run_together(acts) -> list[str]:
    """Each act in a thread of its own, all let go at once; their failures."""
    barrier, errors = threading.Barrier(len(acts)), []

    def run(act):
        try:
            barrier.wait(timeout=10)
            act()
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(act,)) for act in acts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return errors


def reports(measures, actor):
    def act():
        for measure in measures:
            services.report_progress(
                measure, actor=actor, text="同时报送的进展", reported_on=timezone.localdate()
            )

    return act


def drafts(inspection, actor, times=6):
    from zhenggai.oversight.models import Document
    from zhenggai.oversight.services import draft_document

    def act():
        for _ in range(times):
            draft_document(inspection, actor=actor, kind=Document.Kind.PLAN)

    return act


def test_reports_on_one_inspection_at_once_never_deadlock(cast, units):
    """Reports that start a planned measure recount the inspection; reports on started
    ones write search entries pointing at it. Under load on PostgreSQL the two waited
    for each other (the recount's row lock against the audit chain's lock): 4 of 510
    reports failed in bench/load.py."""
    inspection = make_ledger(units["A"], categories=2, problems=4, measures=8)
    measures = list(
        Measure.objects.filter(problem__inspection=inspection)
        .select_related("problem__inspection")
        .order_by("pk")
    )
    Measure.objects.filter(pk__in=[m.pk for m in measures[1::2]]).update(
        status=Measure.Status.IN_PROGRESS
    )
    for measure in measures:
        measure.refresh_from_db(fields=["status"])
    errors = run_together([reports(measures[i::8], cast["alice"]) for i in range(8)])
    assert errors == []
    assert Progress.objects.filter(measure__problem__inspection=inspection).count() == 64
    planned = Measure.objects.filter(problem__inspection=inspection, status="planned")
    assert not planned.exists()
    assert counts.differences(timezone.localdate()) == []


def test_an_act_that_locks_the_inspection_first_never_deadlocks_with_reports(cast, units):
    """Drafting a document locks its inspection, then records; a report holding the
    audit chain writes rows that point at that inspection. A row lock that blocked
    those references (FOR UPDATE rather than FOR NO KEY UPDATE) made each wait for
    the other."""
    inspection = make_ledger(units["A"], categories=2, problems=3, measures=4)
    measures = list(
        Measure.objects.filter(problem__inspection=inspection).select_related("problem__inspection")
    )
    Measure.objects.filter(problem__inspection=inspection).update(status="in_progress")
    for measure in measures:
        measure.refresh_from_db(fields=["status"])
    acts = [reports(measures[i::6], cast["alice"]) for i in range(6)]
    errors = run_together([*acts, drafts(inspection, cast["alice"])])
    assert errors == []
    assert Progress.objects.filter(measure__problem__inspection=inspection).count() == 24
