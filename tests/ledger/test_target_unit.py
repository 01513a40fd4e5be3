"""Services check the unit an act lands in, not only the one it starts from."""

import datetime as dt
from pathlib import Path

import pytest

from zhenggai.accounts.models import Membership, Unit
from zhenggai.ledger import services
from zhenggai.ledger.draft import commit_draft
from zhenggai.ledger.models import Inspection
from zhenggai.ledger.readers import draft_from_file

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent.parent / "samples" / "baiyun-water-2023.txt"


def test_it_refuses_to_move_an_inspection_where_the_actor_may_not_register(ledger_a, cast, units):
    Membership.objects.create(user=cast["alice"], unit=units["B"], role=Membership.Role.VIEWER)
    with pytest.raises(services.LedgerError, match="无权在“乙单位”登记巡察"):
        services.update_inspection(ledger_a, actor=cast["alice"], unit=units["B"])
    assert Inspection.objects.get(pk=ledger_a.pk).unit == units["A"]
    # Into a sub-unit the membership covers, the move is the editor's to make.
    services.update_inspection(ledger_a, actor=cast["alice"], unit=units["A1"])
    assert Inspection.objects.get(pk=ledger_a.pk).unit == units["A1"]


def test_it_registers_only_where_the_actor_may(cast, units):
    fields = {"round": "第二轮", "feedback_date": dt.date(2026, 3, 1)}
    with pytest.raises(services.LedgerError, match="无权在“甲单位”登记巡察"):
        services.create_inspection(actor=cast["carol"], unit=units["A"], **fields)
    created = services.create_inspection(actor=cast["carol"], unit=units["A1"], **fields)
    assert created.unit == units["A1"]
    # The office registers anywhere; the system (no actor) too.
    services.create_inspection(actor=cast["olivia"], unit=units["B"], **fields)
    services.create_inspection(actor=None, unit=units["B"], **fields)
    assert Inspection.objects.filter(round="第二轮").count() == 3


def test_an_import_lands_only_where_the_actor_may_register(cast, units):
    draft = draft_from_file(SAMPLE.read_bytes(), SAMPLE.name)
    with pytest.raises(services.LedgerError, match="无权在“乙单位”登记巡察"):
        commit_draft(draft, "乙单位", actor=cast["alice"])
    with pytest.raises(services.LedgerError, match="新单位由巡察办创建"):
        commit_draft(draft, "丙单位", actor=cast["alice"])
    assert not Unit.objects.filter(name="丙单位").exists()
    assert not Inspection.objects.exists()
    assert commit_draft(draft, "甲单位下属站", actor=cast["alice"]).unit == units["A1"]
