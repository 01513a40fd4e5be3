"""Two people saving the same measure at once: one wins, the other is told."""

import threading

import pytest
from django.db import connection

from zhenggai.ledger import services
from zhenggai.ledger.models import Measure

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
