"""A large import's search entries are written behind it (issue 16, item 4): the import
is done when its ledger is in, the entries follow in a thread of their own, and an
inspection whose entries a stopped process left unwritten is finished later."""

import threading

import pytest
from django.urls import reverse

from tests.ledger.test_import_fast import entries, rebuilt, rich_draft
from zhenggai import server
from zhenggai.ledger import search
from zhenggai.ledger.draft import commit_draft
from zhenggai.ledger.models import Measure, SearchBacklog
from zhenggai.ledger.services import void_inspection

pytestmark = pytest.mark.django_db(transaction=True)  # the fill runs on its own connection


@pytest.fixture
def held(monkeypatch):
    """The fill waits until the test lets it go."""
    monkeypatch.setattr(search, "INLINE", 5)
    go, real = threading.Event(), search._insert_all

    def insert_all(rows):
        assert go.wait(30)
        real(rows)

    monkeypatch.setattr(search, "_insert_all", insert_all)
    yield go
    go.set()
    search.wait_behind(30)


def test_the_import_ends_before_its_entries_which_follow(cast, units, held, client):
    inspection = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    assert Measure.objects.filter(problem__inspection=inspection).count() == 8
    assert entries(inspection) == [] and SearchBacklog.objects.filter(inspection=inspection)
    client.force_login(cast["alice"])
    page = client.get(reverse("ledger:search"), {"q": "整改"}).content.decode()
    assert "正在建立检索" in page
    held.set()
    search.wait_behind(30)
    assert not search.BEHIND and not SearchBacklog.objects.exists()
    written = entries(inspection)
    assert len(written) == 18 and written == rebuilt(inspection)
    page = client.get(reverse("ledger:search"), {"q": "整改"}).content.decode()
    assert "正在建立检索" not in page


def test_the_note_shows_only_to_readers_of_the_unit(cast, units, held, client):
    commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    assert search.pending_for(cast["alice"]) and search.pending_for(cast["olivia"])
    assert not search.pending_for(cast["dave"])  # another unit's editor
    client.force_login(cast["dave"])
    assert "正在建立检索" not in client.get(reverse("ledger:search")).content.decode()


def test_an_inspection_voided_meanwhile_keeps_no_entries(cast, units, held):
    inspection = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    void_inspection(inspection, actor=cast["olivia"], reason="重复导入")
    held.set()
    search.wait_behind(30)
    assert entries(inspection) == [] and not SearchBacklog.objects.exists()


def test_a_fill_cut_short_is_finished_when_the_server_starts(cast, units, monkeypatch, caplog):
    monkeypatch.setattr(search, "INLINE", 5)
    real = search._insert_all

    def stopped(rows):  # the database goes away after the first batch
        real(list(rows)[:3])
        raise RuntimeError("连接中断")

    monkeypatch.setattr(search, "_insert_all", stopped)
    inspection = commit_draft(rich_draft(), units["A"].name, actor=cast["alice"])
    search.wait_behind(30)
    assert len(entries(inspection)) == 3 and SearchBacklog.objects.count() == 1
    assert f"巡察 {inspection.pk} 的检索条目未建完" in caplog.text
    monkeypatch.setattr(search, "_insert_all", real)
    server.finish_backlog().join(30)
    assert not SearchBacklog.objects.exists()
    written = entries(inspection)
    assert len(written) == 18 and sorted(written) == sorted(rebuilt(inspection))
    assert search.fill_pending() == 0
