"""A notice's 文号: given at submission or numbered at publication, stored, printed."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx

from zhenggai.accounts.models import Letterhead
from zhenggai.audit.models import Event
from zhenggai.disclosure import services
from zhenggai.disclosure.models import NoticeDraft, PublishedNotice

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"
YEAR = timezone.localdate().year


def publish(cast, inspection, number="", audience="public", note=""):
    draft = services.submit_draft(
        inspection,
        actor=cast["alice"],
        text=TEXT,
        audience=audience,
        note=note,
        doc_number=number,
    )
    services.sign_draft(draft, actor=cast["lena"])
    return services.publish_draft(draft, actor=cast["alice"])


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Docx(io.BytesIO(data)).paragraphs]


@pytest.fixture
def coded(units):
    return Letterhead.objects.create(unit=units["A"], issuer="中共测试区甲单位党组", code="甲党")


def test_the_number_typed_at_submission_is_signed_published_and_printed(login, cast, ledger_a):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    body = {"audience": "public", "text": TEXT, "note": "", "doc_number": " 甲党[2026]5号 "}
    assert login("alice").post(url, body).status_code == 302
    draft = NoticeDraft.objects.get()
    assert draft.doc_number == "甲党〔2026〕5号"
    assert "文号：甲党〔2026〕5号" in login("lena").get(url).content.decode()
    services.sign_draft(draft, actor=cast["lena"])
    notice = services.publish_draft(draft, actor=cast["alice"])
    assert (notice.doc_number, notice.number) == ("甲党〔2026〕5号", None)
    events = Event.objects.filter(act__startswith="notice.").order_by("seq")
    assert [e.data["doc_number"] for e in events] == ["甲党〔2026〕5号"] * 3
    page = login(None).get(notice.get_absolute_url()).content.decode()
    assert (
        "甲党〔2026〕5号" in page
        and reverse("disclosure:notice-docx", args=[notice.pk]) not in page
    )
    response = login("alice").get(reverse("disclosure:notice-docx", args=[notice.pk]))
    text = paragraphs(response.content)
    assert text[:3] == ["甲党〔2026〕5号", "", TEXT.split("\n")[0]]
    assert "正文。" in text


def test_a_bad_number_is_refused_in_chinese_and_nothing_is_kept(login, cast, ledger_a):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    body = {"audience": "public", "text": TEXT, "note": "", "doc_number": "2026年第5号"}
    response = login("alice").post(url, body)
    assert response.status_code == 200
    assert "文号“2026年第5号”格式不对" in response.content.decode()
    assert not NoticeDraft.objects.exists() and not Event.objects.exists()


def test_a_unit_with_a_code_numbers_its_notices_per_year(login, cast, ledger_a, coded):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    assert f"今年下一个为“甲党〔{YEAR}〕1号”" in login("alice").get(url).content.decode()
    first = publish(cast, ledger_a)
    second = publish(cast, ledger_a, audience="internal")
    assert [first.doc_number, second.doc_number] == [f"甲党〔{YEAR}〕1号", f"甲党〔{YEAR}〕2号"]
    assert (second.number_unit, second.number_year, second.number) == (ledger_a.unit, YEAR, 2)
    published = Event.objects.filter(act="notice.published").order_by("seq")
    assert [e.data["doc_number"] for e in published] == [first.doc_number, second.doc_number]
    head = paragraphs(login("lena").get(reverse("disclosure:notice-docx", args=[first.pk])).content)
    assert head[:3] == ["中共测试区甲单位党组", "", f"甲党〔{YEAR}〕1号"]
    assert f"甲党〔{YEAR}〕3号" in login("alice").get(url).content.decode()


def test_the_sequence_skips_a_number_typed_earlier(cast, ledger_a, coded):
    typed = publish(cast, ledger_a, number=f"甲党〔{YEAR}〕1号")
    numbered = publish(cast, ledger_a, audience="internal")
    assert typed.number is None and numbered.doc_number == f"甲党〔{YEAR}〕2号"


def test_a_number_of_another_notice_is_refused_and_a_new_version_may_keep_its_own(cast, ledger_a):
    first = publish(cast, ledger_a, number="甲党〔2026〕5号")
    with pytest.raises(services.DisclosureError, match="已用于本单位的通报"):
        publish(cast, ledger_a, number="甲党〔2026〕5号", audience="internal")
    assert PublishedNotice.objects.count() == 1
    assert NoticeDraft.objects.filter(audience="internal").count() == 0
    second = publish(cast, ledger_a, number="甲党〔2026〕5号", note="更正一处错字")
    assert second.replaces == first and second.doc_number == first.doc_number


def test_the_generated_download_takes_no_number_any_more(login, cast, ledger_a, coded):
    url = reverse("disclosure:notice-export", args=[ledger_a.pk, "docx"])
    response = login("alice").get(url, {"audience": "public", "number": "甲党〔2026〕9号"})
    text = paragraphs(response.content)
    assert text[0] == "中共测试区甲单位党组"
    assert not any("〔" in t and t.endswith("号") for t in text)


@pytest.mark.parametrize(
    "user,status",
    [("alice", 200), ("lena", 200), ("olivia", 200), ("bob", 403), ("dave", 404), (None, 302)],
)
def test_only_those_who_write_or_sign_download_the_published_word_file(
    login, cast, ledger_a, user, status
):
    notice = publish(cast, ledger_a, number="甲党〔2026〕5号")
    response = login(user).get(reverse("disclosure:notice-docx", args=[notice.pk]))
    assert response.status_code == status
