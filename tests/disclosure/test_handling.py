"""Handling a comment is one explicit act, apart from saving a reply."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure.models import Comment
from zhenggai.disclosure.services import add_comment, publish_notice

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"


class Forms(HTMLParser):
    """What a browser would send for each form, keyed by action: checked boxes, values."""

    def __init__(self):
        super().__init__()
        self.forms, self.action = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.action = a.get("action")
            self.forms[self.action] = {"fields": {}, "buttons": []}
        elif self.action and tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.forms[self.action]["fields"][a["name"]] = "on"
        elif self.action and tag == "button":
            self.forms[self.action]["buttons"].append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = None


def forms_of(client, url):
    parser = Forms()
    parser.feed(client.get(url).content.decode())
    return parser.forms


@pytest.fixture
def comment_a(cast, ledger_a):
    notice = publish_notice(ledger_a, actor=cast["alice"], text=TEXT)
    return add_comment(notice, actor=None, content="建议公开整改资金去向")


def test_saving_a_reply_as_shown_leaves_the_comment_open(login, comment_a):
    client = login("alice")
    page = reverse("disclosure:notice-comments", args=[comment_a.notice_id])
    reply = reverse("disclosure:comment-reply", args=[comment_a.pk])
    form = forms_of(client, page)[reply]
    client.post(reply, {**form["fields"], "reply": "正在核实"})
    comment_a.refresh_from_db()
    assert comment_a.reply == "正在核实" and not comment_a.handled


def test_it_offers_the_act_that_fits_the_state_and_audits_it(login, cast, comment_a):
    client = login("lena")
    page = reverse("disclosure:notice-comments", args=[comment_a.notice_id])
    handle = reverse("disclosure:comment-handle", args=[comment_a.pk])
    [button] = forms_of(client, page)[handle]["buttons"]
    assert (button["name"], button["value"]) == ("handled", "1")
    assert "标记为已处理" in client.get(page).content.decode()

    client.post(handle, {"handled": "1"})
    comment_a.refresh_from_db()
    assert comment_a.handled
    [button] = forms_of(client, page)[handle]["buttons"]
    assert button["value"] == "0" and "重新打开" in client.get(page).content.decode()

    # A reply saved afterwards does not reopen it.
    reply = reverse("disclosure:comment-reply", args=[comment_a.pk])
    client.post(reply, {**forms_of(client, page)[reply]["fields"], "reply": "已核实"})
    comment_a.refresh_from_db()
    assert comment_a.handled

    client.post(handle, {"handled": "0"})
    comment_a.refresh_from_db()
    assert not comment_a.handled
    acts = list(Event.objects.filter(object_type="comment").values_list("act", "actor"))
    lena = cast["lena"].pk
    assert ("comment.handled", lena) in acts and ("comment.reopened", lena) in acts


@pytest.mark.parametrize("user,status", [("bob", 403), ("owen", 403), ("dave", 404)])
def test_only_those_who_answer_mark_comments_handled(login, comment_a, user, status):
    url = reverse("disclosure:comment-handle", args=[comment_a.pk])
    assert login(user).post(url, {"handled": "1"}).status_code == status
    assert not Comment.objects.get().handled
