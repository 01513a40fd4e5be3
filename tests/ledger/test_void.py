"""A mistaken inspection: deleted while nothing hangs on it, otherwise voided (作废)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import make_ledger
from zhenggai.accounts.access import Access
from zhenggai.audit.models import Event
from zhenggai.disclosure import services as disclosure
from zhenggai.disclosure.models import PublishedNotice
from zhenggai.ledger import services
from zhenggai.ledger.models import Inspection, Measure, Problem, Progress
from zhenggai.oversight.dashboard import Filters, Scope, build
from zhenggai.oversight.reminders import build_digests

pytestmark = pytest.mark.django_db
AFTER = dt.date(2026, 4, 2)


def test_it_deletes_an_inspection_only_while_nothing_was_reported(ledger_a, cast):
    services.report_progress(
        Measure.objects.filter(problem__inspection=ledger_a).first(),
        actor=cast["owen"],
        text="进展",
        reported_on=dt.date(2026, 3, 5),
    )
    with pytest.raises(services.LedgerError, match="请作废"):
        services.delete_inspection(ledger_a, actor=cast["alice"])
    Progress.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.delete_inspection(ledger_a, actor=cast["bob"])
    services.delete_inspection(ledger_a, actor=cast["alice"])
    assert not Inspection.all_objects.exists() and not Problem.all_objects.exists()
    assert Event.objects.filter(act="inspection.deleted", actor=cast["alice"]).exists()


def test_a_voided_inspection_leaves_every_count_list_and_reminder(login, ledger_a, cast, units):
    kept = make_ledger(units["B"])
    before = build(Scope(Access(office=True)), Filters(), AFTER).total
    assert before.total == 16 and any(build_digests(AFTER))
    with pytest.raises(services.LedgerError, match="作废须写明理由"):
        services.void_inspection(ledger_a, actor=cast["olivia"], reason=" ")
    services.void_inspection(ledger_a, actor=cast["olivia"], reason="重复导入")
    after = build(Scope(Access(office=True)), Filters(), AFTER).total
    assert (after.total, after.problems) == (8, 4)
    assert Measure.objects.filter(problem__inspection=ledger_a).count() == 0
    assert Measure.all_objects.filter(problem__inspection=ledger_a).count() == 8
    assert all(m.problem.inspection_id == kept.pk for d in build_digests(AFTER) for m in d.measures)
    client = login("alice")
    home = client.get(reverse("ledger:home")).content.decode()
    assert "甲单位" not in home and "乙单位" not in home  # alice reads only A
    assert client.get(reverse("ledger:inspection-detail", args=[ledger_a.pk])).status_code == 404
    voided = client.get(reverse("ledger:voided-list")).content.decode()
    assert "重复导入" in voided and ledger_a.round in voided
    assert "重复导入" not in login("dave").get(reverse("ledger:voided-list")).content.decode()
    event = Event.objects.get(act="inspection.voided")
    assert event.actor == cast["olivia"] and event.data["reason"] == "重复导入"


def test_the_editor_voids_only_what_was_never_published(ledger_a, cast):
    assert services.may_void(cast["alice"], ledger_a) and not services.may_void(
        cast["bob"], ledger_a
    )
    disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    assert not services.may_void(cast["alice"], ledger_a)
    assert services.may_void(cast["olivia"], ledger_a)


def test_a_voided_inspections_notices_leave_the_public_list(client, ledger_a, cast):
    notice = PublishedNotice.objects.create(
        inspection=ledger_a,
        version=1,
        title="甲单位整改进展通报",
        text="通报",
        html="<p>通报</p>",
        sha256="0" * 64,
        published_by=cast["alice"],
    )
    listing = reverse("disclosure:notice-list")
    assert notice.title in client.get(listing).content.decode()
    services.void_inspection(ledger_a, actor=cast["olivia"], reason="误登记")
    assert notice.title not in client.get(listing).content.decode()
