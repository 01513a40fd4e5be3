"""A notice is signed (签发) by a leader of the unit before it is published."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure.models import NoticeDraft, PublishedNotice
from zhenggai.disclosure.services import DisclosureError, publish_draft, return_draft, sign_draft
from zhenggai.ledger.models import Measure

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"


def submit(login, inspection, text=TEXT, audience="public"):
    url = reverse("disclosure:notice-draft", args=[inspection.pk])
    response = login("alice").post(url, {"audience": audience, "text": text, "note": ""})
    assert response.status_code == 302
    return NoticeDraft.objects.filter(inspection=inspection).first()


def test_it_publishes_only_the_signed_text_and_audits_each_step(login, cast, ledger_a):
    draft = submit(login, ledger_a)
    assert draft.status == NoticeDraft.Status.SUBMITTED
    publish = reverse("disclosure:draft-publish", args=[draft.pk])
    response = login("alice").post(publish, follow=True)
    assert not PublishedNotice.objects.exists()
    assert "待签发" in response.content.decode() and "不能进行此操作" in response.content.decode()

    login("lena").post(reverse("disclosure:draft-sign", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.SIGNED and draft.signed_by == cast["lena"]

    # The ledger changing after signing does not change what is published.
    Measure.objects.filter(problem__inspection=ledger_a).update(text="改过的措施")
    response = login("alice").post(publish)
    notice = PublishedNotice.objects.get()
    assert response.url == notice.get_absolute_url()
    assert notice.text == draft.text == TEXT and notice.sha256 == draft.sha256
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.PUBLISHED and draft.notice == notice
    events = list(Event.objects.filter(unit_id=ledger_a.unit_id).values_list("act", "actor"))
    assert events == [
        ("notice.submitted", cast["alice"].pk),
        ("notice.signed", cast["lena"].pk),
        ("notice.published", cast["alice"].pk),
    ]


@pytest.mark.parametrize(
    "user,status",
    [("alice", 403), ("bob", 403), ("owen", 403), ("carol", 404), ("dave", 404), (None, 302)],
)
def test_only_a_leader_of_the_unit_signs(login, ledger_a, user, status):
    draft = submit(login, ledger_a)
    response = login(user).post(reverse("disclosure:draft-sign", args=[draft.pk]))
    assert response.status_code == status
    draft.refresh_from_db()
    assert (
        draft.status == NoticeDraft.Status.SUBMITTED
        and not Event.objects.filter(act="notice.signed").exists()
    )


def test_a_leader_may_publish_what_they_signed(login, ledger_a):
    draft = submit(login, ledger_a)
    client = login("lena")
    client.post(reverse("disclosure:draft-sign", args=[draft.pk]))
    client.post(reverse("disclosure:draft-publish", args=[draft.pk]))
    assert PublishedNotice.objects.get().published_by.username == "lena"


def test_a_return_needs_a_reason_and_the_editor_sees_it(login, cast, ledger_a):
    draft = submit(login, ledger_a, text=TEXT + "有误的一段。\n")
    url = reverse("disclosure:draft-return", args=[draft.pk])
    login("lena").post(url, {"reason": "  "})
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.SUBMITTED
    login("lena").post(url, {"reason": "第二段数字与台账不符"})
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.RETURNED and draft.returned_by == cast["lena"]
    event = Event.objects.get(act="notice.returned")
    assert event.actor == cast["alice"].__class__.objects.get(username="lena")
    assert event.data["reason"] == "第二段数字与台账不符"

    page = login("alice").get(reverse("disclosure:notice-draft", args=[ledger_a.pk]))
    html = page.content.decode()
    assert "已退回" in html and "第二段数字与台账不符" in html
    # The returned text is offered again for correction, not the ledger's fresh one.
    assert "有误的一段" in page.context["form"].initial["text"]
    with pytest.raises(DisclosureError):
        publish_draft(draft, actor=cast["alice"])


def test_a_new_submission_voids_the_earlier_signature(login, cast, ledger_a):
    first = submit(login, ledger_a)
    sign_draft(first, actor=cast["lena"])
    second = submit(login, ledger_a, text=TEXT + "补充。\n")
    first.refresh_from_db()
    assert first.status == NoticeDraft.Status.WITHDRAWN
    assert second.status == NoticeDraft.Status.SUBMITTED
    with pytest.raises(DisclosureError):
        publish_draft(first, actor=cast["alice"])
    assert not PublishedNotice.objects.exists()


def test_a_text_changed_after_signing_is_not_published(login, cast, ledger_a):
    draft = submit(login, ledger_a)
    sign_draft(draft, actor=cast["lena"])
    NoticeDraft.objects.filter(pk=draft.pk).update(text=TEXT + "悄悄加的一段。\n")
    with pytest.raises(DisclosureError, match="校验值不符"):
        publish_draft(draft, actor=cast["alice"])
    assert not PublishedNotice.objects.exists()


def test_the_draft_page_shows_who_signed_when_and_asks_before_publishing(login, cast, ledger_a):
    draft = submit(login, ledger_a)
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    html = login("lena").get(url).content.decode()
    assert "待签发" in html and "正文。" in html
    assert reverse("disclosure:draft-sign", args=[draft.pk]) in html
    sign_draft(draft, actor=cast["lena"])
    draft.refresh_from_db()
    html = login("alice").get(url).content.decode()
    assert "已签发" in html and cast["lena"].get_full_name() in html
    assert f"{draft.signed_at.astimezone():%Y年}" in html
    publish = reverse("disclosure:draft-publish", args=[draft.pk])
    assert publish in html
    assert 'data-confirm="发布后，这份通报将立即向社会公开，不能修改、撤回或删除' in html


@pytest.mark.parametrize(
    "act,user",
    [
        (lambda d, u: sign_draft(d, actor=u), "alice"),
        (lambda d, u: sign_draft(d, actor=u), "owen"),
        (lambda d, u: return_draft(d, actor=u, reason="再改"), "bob"),
        (lambda d, u: return_draft(d, actor=u, reason="再改"), "carol"),
    ],
)
def test_the_services_refuse_a_signer_without_the_leaders_role(login, cast, ledger_a, act, user):
    """Not only the page: any caller of the service meets the same rule."""
    draft = submit(login, ledger_a)
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        act(draft, cast[user])
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.SUBMITTED and Event.objects.count() == events


def test_the_service_refuses_to_publish_for_one_outside_the_unit(login, cast, ledger_a):
    draft = submit(login, ledger_a)
    sign_draft(draft, actor=cast["lena"])
    for user in ("owen", "carol"):
        with pytest.raises(PermissionDenied):
            publish_draft(draft, actor=cast[user])
    assert not PublishedNotice.objects.exists()
    publish_draft(draft, actor=cast["alice"])
    assert PublishedNotice.objects.count() == 1


def test_the_office_reads_a_units_draft_but_neither_signs_nor_publishes_it(login, ledger_a):
    """签发 is the unit's own leaders' act; the office previews and downloads."""
    draft = submit(login, ledger_a)
    office = login("olivia")
    page = office.get(reverse("disclosure:notice-draft", args=[ledger_a.pk]))
    assert page.status_code == 200 and "签发</button>" not in page.content.decode()
    for name in ("disclosure:draft-sign", "disclosure:draft-return"):
        assert office.post(reverse(name, args=[draft.pk]), {"reason": "改"}).status_code == 403
    login("lena").post(reverse("disclosure:draft-sign", args=[draft.pk]))
    office = login("olivia")  # the login fixture logs one client in as each user
    assert office.post(reverse("disclosure:draft-publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == NoticeDraft.Status.SIGNED and not PublishedNotice.objects.exists()
