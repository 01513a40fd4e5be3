"""版头 and 机关代字: kept per unit, read as plain data, formatting the 文号."""

import io

import pytest
from django.urls import reverse
from docx import Document

from zhenggai.accounts.letterhead import letterhead_of, save_letterhead
from zhenggai.accounts.models import Letterhead
from zhenggai.audit.models import Event
from zhenggai.disclosure import services
from zhenggai.notices.letterhead import Letterhead as Heading
from zhenggai.notices.letterhead import code_problem, doc_number, parse_doc_number

OFFICE_HEAD = {
    "issuer": "中共临川区委巡察工作领导小组办公室",
    "header": "中共临川区委巡察工作领导小组办公室文件",
    "code": "临巡办督",
}


def test_it_formats_a_document_number():
    assert doc_number("临巡办督", 2026, 3) == "临巡办督〔2026〕3号"
    assert doc_number("", 2027, 12) == "〔2027〕12号"
    head = Heading(issuer="中共临川区委巡察工作领导小组办公室", code="临巡办督")
    assert head.title == "中共临川区委巡察工作领导小组办公室"
    assert head.doc_number(2026, 1) == "临巡办督〔2026〕1号"
    assert Heading(**OFFICE_HEAD).title.endswith("文件")


@pytest.mark.parametrize("code", ["临巡办督〔", "临巡办2", "临 巡", "临巡办督号", "临巡[督"])
def test_it_refuses_a_code_with_what_the_number_adds(code):
    assert "机关代字不能含" in code_problem(code)


@pytest.mark.django_db
def test_it_keeps_a_letterhead_per_unit_with_an_audit_event(units, cast):
    assert letterhead_of(units["A"]) is None
    save_letterhead(
        units["A"], actor=cast["alice"], issuer="中共测试区甲单位党组", header="", code="甲党"
    )
    save_letterhead(
        units["A"], actor=cast["olivia"], issuer="中共测试区甲单位党组", header="", code="甲党发"
    )
    assert letterhead_of(units["A"]) == Heading("中共测试区甲单位党组", "", "甲党发")
    assert letterhead_of(units["B"]) is None
    events = list(Event.objects.filter(act="letterhead.saved").order_by("seq"))
    assert [e.data for e in events] == [
        {"issuer": "中共测试区甲单位党组", "header": "", "code": "甲党"},
        {"code": "甲党发"},
    ]
    assert Letterhead.objects.count() == 1


@pytest.mark.django_db
def test_the_office_sets_its_own_letterhead_through_the_page(login, cast, units):
    client, unit = login("olivia"), units["office"]
    url = reverse("accounts:letterhead-edit", args=[unit.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, OFFICE_HEAD)
    assert response.status_code == 302
    assert letterhead_of(unit) == Heading(**OFFICE_HEAD)
    assert "临巡办督〔2026〕3号" in client.get(url).content.decode()


@pytest.mark.django_db
def test_it_refuses_a_bad_code_and_changes_nothing(login, cast, units):
    url = reverse("accounts:letterhead-edit", args=[units["A"].pk])
    response = login("alice").post(url, {**OFFICE_HEAD, "code": "临巡办督〔2026〕"})
    assert response.status_code == 200
    assert "机关代字不能含“〔”" in response.content.decode()
    assert not Letterhead.objects.exists() and not Event.objects.exists()


@pytest.mark.django_db
def test_a_reader_may_not_and_an_outsider_does_not_see(login, cast, units):
    url = reverse("accounts:letterhead-edit", args=[units["A"].pk])
    assert login("bob").post(url, OFFICE_HEAD).status_code == 403
    assert login("dave").post(url, OFFICE_HEAD).status_code == 404
    assert not Letterhead.objects.exists()


@pytest.mark.django_db
def test_the_notice_carries_the_units_letterhead_and_its_stored_number(
    login, cast, ledger_a, units
):
    save_letterhead(
        units["A"], actor=cast["alice"], issuer="中共测试区甲单位党组", header="", code="甲党"
    )
    text = "中共测试区甲单位党组关于整改进展情况的通报\n正文。\n"
    draft = services.submit_draft(
        ledger_a, actor=cast["alice"], text=text, doc_number="甲党[2026]5号"
    )
    services.sign_draft(draft, actor=cast["lena"])
    notice = services.publish_draft(draft, actor=cast["alice"])
    url = reverse("disclosure:notice-docx", args=[notice.pk])
    # A number in the address is no part of the notice: the stored one is printed.
    response = login("alice").get(url, {"number": "甲党〔2026〕9号"})
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[:3] == ["中共测试区甲单位党组", "", "甲党〔2026〕5号"]
    assert "甲党〔2026〕9号" not in paragraphs


@pytest.mark.parametrize("typed", ["临巡办督2026年3号", "abc", "临巡办督〔26〕3号"])
def test_it_refuses_what_is_not_a_document_number(typed):
    with pytest.raises(ValueError, match="格式不对"):
        parse_doc_number(typed)
