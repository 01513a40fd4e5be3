"""Publishing freezes the text with its hash; a correction is a new version."""

import hashlib

import pytest
from django.urls import reverse

from tests.conftest import make_ledger
from zhenggai.audit.models import Event
from zhenggai.disclosure.models import FrozenError, NoticeDraft, PublishedNotice
from zhenggai.disclosure.services import DisclosureError, publish_notice
from zhenggai.ledger.models import Inspection, Measure

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"


def test_it_freezes_the_text_with_its_sha256(cast, ledger_a):
    notice = publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    assert notice.version == 1 and notice.replaces is None
    assert notice.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert notice.title == TEXT.splitlines()[0]
    event = Event.objects.get(act="notice.published")
    assert event.data["sha256"] == notice.sha256 and event.actor == cast["alice"]


def test_it_refuses_every_change_to_a_published_notice(cast, ledger_a):
    notice = publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    notice.text = "改过的正文"
    with pytest.raises(FrozenError):
        notice.save()
    with pytest.raises(FrozenError):
        PublishedNotice.objects.filter(pk=notice.pk).update(text="改过的正文")
    with pytest.raises(FrozenError):
        notice.delete()
    with pytest.raises(FrozenError):
        PublishedNotice.objects.all().delete()
    assert PublishedNotice.objects.get(pk=notice.pk).text == TEXT


def test_it_publishes_a_correction_as_a_new_version(cast, ledger_a):
    first = publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    with pytest.raises(DisclosureError, match="更正说明"):
        publish_notice(ledger_a, actor=cast["alice"], text=TEXT + "补充。\n")
    second = publish_notice(
        ledger_a, actor=cast["alice"], text=TEXT + "补充。\n", note="补充一项整改成效"
    )
    assert (second.version, second.replaces, second.note) == (2, first, "补充一项整改成效")
    internal = publish_notice(
        ledger_a, actor=cast["alice"], text="内部\n" + TEXT, audience="internal"
    )
    assert internal.version == 1 and internal.title == TEXT.splitlines()[0]


def test_it_refuses_to_publish_an_inspection_without_measures(cast, units):
    ledger = make_ledger(units["A"], measures=0)
    with pytest.raises(DisclosureError, match="还没有任何整改措施"):
        publish_notice(ledger, actor=cast["alice"], text=TEXT)
    assert PublishedNotice.objects.count() == 0


def test_it_refuses_an_empty_text(cast, ledger_a):
    with pytest.raises(DisclosureError, match="正文为空"):
        publish_notice(ledger_a, actor=cast["alice"], text=" \n\r\n ")


def test_it_publishes_the_edited_draft(login, ledger_a):
    client = login("alice")
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    draft = client.get(url).context["form"].initial["text"]
    edited = draft.replace("一是措施0-0-0", "一是措施0-0-0（已补充）") + "<script>alert(1)</script>"
    client.post(url, {"audience": "public", "text": edited, "note": ""})
    assert not PublishedNotice.objects.exists()
    signed = NoticeDraft.objects.get()
    login("lena").post(reverse("disclosure:draft-sign", args=[signed.pk]))
    client = login("alice")
    response = client.post(reverse("disclosure:draft-publish", args=[signed.pk]))
    notice = PublishedNotice.objects.get()
    assert response.status_code == 302 and response.url == notice.get_absolute_url()
    assert "（已补充）" in notice.text and notice.text.endswith("\n")
    assert "<script>" not in notice.html and "&lt;script&gt;" in notice.html
    page = client.get(response.url).content.decode()
    assert "<script>alert" not in page and notice.sha256 in page


def test_the_draft_page_gives_the_reason_for_refusing(login, cast, units):
    ledger = make_ledger(units["A"], measures=0)
    url = reverse("disclosure:notice-draft", args=[ledger.pk])
    response = login("alice").post(url, {"audience": "public", "text": TEXT})
    assert response.status_code == 200
    assert "还没有任何整改措施" in response.content.decode()
    assert not PublishedNotice.objects.exists()


def test_the_notice_pages_say_which_version_replaces_which(login, cast, ledger_a):
    first = publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    second = publish_notice(
        ledger_a, actor=cast["alice"], text=TEXT + "补充。\n", note="补充一项整改成效"
    )
    client = login(None)
    old = client.get(first.get_absolute_url()).content.decode()
    assert "本通报已被更正" in old and second.get_absolute_url() in old
    new = client.get(second.get_absolute_url()).content.decode()
    assert "替代" in new and "补充一项整改成效" in new and first.get_absolute_url() in new
    listing = client.get(reverse("disclosure:notice-list")).content.decode()
    assert "已被更正" in listing and listing.count("第2版") == 1


def test_the_ledger_page_links_editors_to_the_draft(login, ledger_a):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    page = login("alice").get(reverse("ledger:inspection-detail", args=[ledger_a.pk]))
    assert url in page.content.decode()
    page = login("bob").get(reverse("ledger:inspection-detail", args=[ledger_a.pk]))
    assert url not in page.content.decode()


def test_the_draft_offers_the_internal_version(login, ledger_a):
    Measure.objects.filter(text="措施0-0-0").update(withhold_reason="case")
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    client = login("alice")
    assert "措施0-0-0" not in client.get(url).context["form"].initial["text"]
    internal = client.get(url + "?audience=internal").context["form"].initial["text"]
    assert internal.startswith("内部\n") and "措施0-0-0" in internal
    assert Inspection.objects.count() == 1
