"""Every disclosure page for every member of the cast and for a visitor without an account."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import EDIT_A
from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice
from zhenggai.disclosure.satisfaction import vote
from zhenggai.disclosure.services import add_comment, publish_notice

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n一、关于“甲”问题的整改情况\n"

EVERYONE = dict.fromkeys(["alice", "bob", "carol", "dave", "owen", "lena", "olivia", None], 200)
READ_A = {**EVERYONE, "carol": 404, "dave": 404, None: 404}
# Comments: the unit's editors and leaders answer them, the office reads them.
COMMENTS_A = {**EDIT_A, "lena": 200, "olivia": 200}
ANSWER_A = {**COMMENTS_A, "alice": 302, "lena": 302, "olivia": 403}


@pytest.fixture
def notice_a(cast, ledger_a):
    return publish_notice(ledger_a, actor=cast["alice"], text=TEXT)


@pytest.fixture
def internal_a(cast, ledger_a):
    return publish_notice(ledger_a, actor=cast["alice"], text="内部\n" + TEXT, audience="internal")


@pytest.fixture
def comment_a(notice_a):
    return add_comment(
        notice_a,
        actor=None,
        content="建议公开整改资金去向",
        name="王某",
        phone="13800000000",
        address="10.1.1.1",
    )


@pytest.mark.parametrize("user,status", EVERYONE.items())
def test_everyone_reads_the_public_pages(login, notice_a, user, status):
    client = login(user)
    assert client.get(reverse("disclosure:notice-list")).status_code == status
    assert client.get(notice_a.get_absolute_url()).status_code == status


@pytest.mark.parametrize("user,status", READ_A.items())
def test_only_readers_of_the_unit_read_an_internal_notice(login, internal_a, user, status):
    assert login(user).get(internal_a.get_absolute_url()).status_code == status


def test_internal_notices_stay_off_the_public_list(login, notice_a, internal_a):
    page = login(None).get(reverse("disclosure:notice-list"))
    assert [n.pk for n in page.context["page"].object_list] == [notice_a.pk]
    response = login(None).post(
        reverse("disclosure:comment-add", args=[internal_a.pk]), {"content": "意见"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("user,status", {**EDIT_A, "lena": 200, "olivia": 200}.items())
def test_editors_and_signing_leaders_see_the_draft(login, ledger_a, user, status):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    assert login(user).get(url).status_code == status


# Those who write or sign the notice download it; the office previews any unit's.
@pytest.mark.parametrize("user,status", {**EDIT_A, "lena": 200, "olivia": 200}.items())
@pytest.mark.parametrize(
    "name,args",
    [
        ("disclosure:notice-export", ["txt"]),
        ("disclosure:notice-export", ["html"]),
        ("disclosure:notice-export", ["docx"]),
    ],
)
def test_writers_signers_and_the_office_download(login, ledger_a, user, status, name, args):
    url = reverse(name, args=[ledger_a.pk, *args])
    assert login(user).get(url).status_code == status


@pytest.mark.parametrize("user,status", {**EDIT_A, "lena": 403, "olivia": 403}.items())
def test_only_editors_submit_for_signing(login, ledger_a, user, status):
    url = reverse("disclosure:notice-draft", args=[ledger_a.pk])
    response = login(user).post(url, {"audience": "public", "text": TEXT})
    assert response.status_code == (302 if status == 200 else status)
    assert NoticeDraft.objects.exists() == (status == 200)
    assert not PublishedNotice.objects.exists()


@pytest.mark.parametrize("user,status", COMMENTS_A.items())
def test_only_editors_leaders_and_office_read_comments(login, comment_a, user, status):
    url = reverse("disclosure:notice-comments", args=[comment_a.notice_id])
    response = login(user).get(url)
    assert response.status_code == status
    if status == 200:
        assert "建议公开整改资金去向" in response.content.decode()


@pytest.mark.parametrize(
    "user,status,sees",
    [
        ("alice", 200, True),
        ("lena", 200, True),
        ("olivia", 200, True),
        ("carol", 200, False),
        ("dave", 200, False),
        ("bob", 403, False),
        ("owen", 403, False),
        (None, 302, False),
    ],
)
def test_the_comment_list_holds_only_the_users_units(login, comment_a, user, status, sees):
    response = login(user).get(reverse("disclosure:comment-list"))
    assert response.status_code == status
    assert ("建议公开整改资金去向" in response.content.decode()) == sees


@pytest.mark.parametrize("user,status", ANSWER_A.items())
def test_only_editors_and_leaders_answer(login, comment_a, user, status):
    url = reverse("disclosure:comment-reply", args=[comment_a.pk])
    response = login(user).post(url, {"reply": "已核实，资金去向将于月底公开"})
    assert response.status_code == status
    comment_a.refresh_from_db()
    assert bool(comment_a.reply) == (status == 302 and user is not None)


def test_a_reply_is_public_only_when_its_author_says_so(login, comment_a):
    url = reverse("disclosure:comment-reply", args=[comment_a.pk])
    detail = comment_a.notice.get_absolute_url()
    client = login("alice")
    client.post(url, {"reply": "<b>已核实</b>，将于月底公开", "handled": "on"})
    assert "已核实" not in login(None).get(detail).content.decode()
    login("lena").post(
        url, {"reply": "<b>已核实</b>，将于月底公开", "reply_public": "on", "handled": "on"}
    )
    page = login(None).get(detail).content.decode()
    assert "&lt;b&gt;已核实&lt;/b&gt;" in page and "<b>已核实" not in page
    # The comment itself, and who sent it, never reach the public page.
    assert "建议公开整改资金去向" not in page and "王某" not in page
    comment_a.refresh_from_db()
    assert comment_a.replied_by.username == "lena" and comment_a.reply_public


def test_a_public_reply_needs_words(login, comment_a):
    url = reverse("disclosure:comment-reply", args=[comment_a.pk])
    response = login("alice").post(url, {"reply": "  ", "reply_public": "on"}, follow=True)
    assert "答复内容不能为空" in response.content.decode()
    comment_a.refresh_from_db()
    assert not comment_a.handled


def test_downloads_keep_their_chinese_names(login, ledger_a):
    client = login("alice")
    url = reverse("disclosure:notice-export", args=[ledger_a.pk, "docx"])
    response = client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E6%95%B4%E6%94%B9" in response["Content-Disposition"]  # 整改
    assert response.content[:2] == b"PK"
    internal = client.get(
        reverse("disclosure:notice-export", args=[ledger_a.pk, "txt"]) + "?audience=internal"
    )
    assert internal.content.decode().startswith("内部\n")
    assert "%E5%86%85%E9%83%A8" in internal["Content-Disposition"]  # 内部
    missing = reverse("disclosure:notice-export", args=[ledger_a.pk, "pdf"])
    assert client.get(missing).status_code == 404


def test_the_public_link_is_in_the_header_for_everyone(login, notice_a):
    url = reverse("disclosure:notice-list")
    assert f'href="{url}"' in login(None).get(notice_a.get_absolute_url()).content.decode()
    assert f'href="{url}"' in login("bob").get("/").content.decode()


def test_the_public_list_filters_by_unit(login, cast, ledger_a, ledger_b, notice_a):
    notice_b = publish_notice(ledger_b, actor=cast["dave"], text=TEXT.replace("甲", "乙"))
    client = login(None)
    listed = client.get(reverse("disclosure:notice-list")).context["page"].object_list
    assert [n.pk for n in listed] == [notice_b.pk, notice_a.pk]  # newest first
    only_a = client.get(reverse("disclosure:notice-list"), {"unit": ledger_a.unit_id})
    assert [n.pk for n in only_a.context["page"].object_list] == [notice_a.pk]


def test_the_public_list_costs_a_fixed_number_of_queries(
    login, cast, ledger_a, django_assert_num_queries
):
    client = login(None)
    url = reverse("disclosure:notice-list")
    publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    with django_assert_num_queries(3):
        client.get(url)
    for n in range(5):
        publish_notice(ledger_a, actor=cast["alice"], text=TEXT + f"{n}\n", note="更正")
    with django_assert_num_queries(3):
        assert len(client.get(url).context["page"].object_list) == 6


def test_the_notice_page_costs_a_fixed_number_of_queries(
    login, notice_a, django_assert_num_queries
):
    client = login(None)
    # The notice, its public replies, the version replacing it, the satisfaction tally.
    with django_assert_num_queries(4):
        client.get(notice_a.get_absolute_url())
    for n in range(4):
        comment = add_comment(notice_a, actor=None, content=f"意见{n}")
        Comment.objects.filter(pk=comment.pk).update(reply=f"答复{n}", reply_public=True)
        vote(notice_a, actor=None, choice=["satisfied", "fairly"][n % 2], address=None)
    with django_assert_num_queries(4):
        page = client.get(notice_a.get_absolute_url()).content.decode()
    assert "答复3" in page


def test_the_comment_pages_cost_a_fixed_number_of_queries(
    login, comment_a, django_assert_num_queries
):
    client = login("alice")
    url = reverse("disclosure:notice-comments", args=[comment_a.notice_id])
    client.get(url)
    # The page's own, and one for the navigation bar's counts of 待办 and messages.
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(5):
        add_comment(comment_a.notice, actor=None, content=f"意见{n}")
    with django_assert_num_queries(7):
        client.get(url)


def test_the_comment_form_needs_a_csrf_token(notice_a):
    client = Client(enforce_csrf_checks=True)
    url = reverse("disclosure:comment-add", args=[notice_a.pk])
    assert client.post(url, {"content": "意见"}).status_code == 403
    page = client.get(notice_a.get_absolute_url())
    token = page.context["csrf_token"]
    assert (
        client.post(url, {"content": "意见", "csrfmiddlewaretoken": str(token)}).status_code == 302
    )
    assert Comment.objects.count() == 1


def test_the_comment_list_narrows_to_a_unit_and_to_open_comments(login, cast, comment_a, ledger_b):
    notice_b = publish_notice(ledger_b, actor=cast["dave"], text=TEXT.replace("甲", "乙"))
    add_comment(notice_b, actor=None, content="乙单位的意见")
    client = login("olivia")
    url = reverse("disclosure:comment-list")
    assert len(client.get(url).context["page"].object_list) == 2
    only_b = client.get(url, {"unit": ledger_b.unit_id}).context["page"].object_list
    assert [c.content for c in only_b] == ["乙单位的意见"]
    Comment.objects.filter(pk=comment_a.pk).update(handled=True)
    still_open = client.get(url, {"open": "1"}).context["page"].object_list
    assert [c.content for c in still_open] == ["乙单位的意见"]
    assert login("alice").get(url, {"unit": ledger_b.unit_id}).context["page"].paginator.count == 0
