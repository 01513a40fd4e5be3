"""What the public sends: bad input refused with a message, floods slowed, markup inert."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhenggai.disclosure import services
from zhenggai.disclosure.models import Comment, RateCount
from zhenggai.disclosure.services import publish_notice

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"


@pytest.fixture
def notice_a(cast, ledger_a):
    return publish_notice(ledger_a, actor=cast["alice"], text=TEXT)


def post(client, notice, address="10.0.0.1", **data):
    url = reverse("disclosure:comment-add", args=[notice.pk])
    return client.post(url, data, REMOTE_ADDR=address)


def test_it_takes_a_comment_without_name_or_phone(client, notice_a):
    response = post(client, notice_a, content="  建议公开整改资金去向  ")
    assert response.status_code == 302 and response.url == notice_a.get_absolute_url()
    comment = Comment.objects.get()
    assert (comment.content, comment.name, comment.address) == (
        "建议公开整改资金去向",
        "",
        "10.0.0.1",
    )
    assert "已收到您的意见建议" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"content": ""}, "请填写意见建议的内容。"),
        ({"content": "   \n  "}, "请填写意见建议的内容。"),
        ({"content": "长" * 2001}, "意见建议最多 2000 字（现为 2001 字）。"),
        ({"content": "意见", "phone": "call me <b>"}, "联系电话只能包含数字"),
        ({"content": "意见", "name": "名" * 51}, "50"),
        ({"content": "意见", "website": "http://spam.example"}, "提交未通过校验"),
    ],
)
def test_it_refuses_bad_input_with_a_message(client, notice_a, data, message):
    response = post(client, notice_a, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_it_takes_exactly_2000_characters(client, notice_a):
    assert post(client, notice_a, content="长" * 2000).status_code == 302


def test_markup_in_a_comment_is_shown_as_text(login, notice_a):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    post(login(None), notice_a, content=script, name="<b>张</b>")
    page = login("alice").get(reverse("disclosure:notice-comments", args=[notice_a.pk]))
    html = page.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>张" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    # A refused comment comes back in the form, escaped too.
    response = post(login(None), notice_a, content=script, website="x")
    assert "<script>alert" not in response.content.decode()


def test_a_flood_from_one_address_is_slowed_and_no_one_else_suffers(client, notice_a):
    for n in range(services.RATE_LIMIT):
        assert post(client, notice_a, content=f"意见{n}").status_code == 302
    response = post(client, notice_a, content="第六条意见")
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交过于频繁" in page and "第六条意见" in page  # what was typed is kept
    assert Comment.objects.count() == services.RATE_LIMIT
    assert post(client, notice_a, address="10.0.0.2", content="别处的意见").status_code == 302
    assert client.get(notice_a.get_absolute_url(), REMOTE_ADDR="10.0.0.1").status_code == 200


def test_the_window_opens_again_and_old_windows_are_dropped(db):
    now = timezone.now()
    for _ in range(services.RATE_LIMIT):
        assert services.take_rate("10.0.0.1", now)
    assert not services.take_rate("10.0.0.1", now)
    later = now + services.RATE_WINDOW * 3
    assert services.take_rate("10.0.0.1", later)
    assert RateCount.objects.count() == 1
    assert RateCount.objects.get().window > now - dt.timedelta(seconds=1)


def test_refused_comments_do_not_use_up_the_allowance(client, notice_a):
    for _ in range(services.RATE_LIMIT):
        assert post(client, notice_a, content="").status_code == 400
        assert post(client, notice_a, content="意见", website="http://spam").status_code == 400
        assert post(client, notice_a, content="长" * 2001).status_code == 400
    assert post(client, notice_a, content="终于写好的意见").status_code == 302
    assert Comment.objects.get().content == "终于写好的意见"
