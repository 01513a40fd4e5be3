"""满意度: one click on a public notice, limited like comments, counted for the evaluation."""

import pytest
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure import satisfaction, services
from zhenggai.disclosure.models import Comment, SatisfactionVote
from zhenggai.disclosure.services import publish_notice

pytestmark = pytest.mark.django_db
TEXT = "中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n"


@pytest.fixture
def notice_a(cast, ledger_a):
    return publish_notice(ledger_a, actor=cast["alice"], text=TEXT)


def vote(client, notice, choice, address="10.0.0.1"):
    url = reverse("disclosure:satisfaction-vote", args=[notice.pk])
    return client.post(url, {"choice": choice}, REMOTE_ADDR=address)


def test_the_public_page_asks_and_counts(client, notice_a):
    page = client.get(notice_a.get_absolute_url()).content.decode()
    assert "您对本单位整改情况满意吗" in page
    for label in ("满意", "基本满意", "不满意"):
        assert f">{label}</button>" in page
    response = vote(client, notice_a, "fairly")
    assert response.status_code == 302 and response.url == notice_a.get_absolute_url()
    voted = SatisfactionVote.objects.get()
    assert (voted.choice, voted.address, voted.notice) == ("fairly", "10.0.0.1", notice_a)
    assert Event.objects.filter(act="satisfaction.voted").count() == 1
    page = client.get(response.url).content.decode()
    assert "已收到您的满意度评价" in page and "基本满意 1 人" in page


def test_it_refuses_an_answer_not_offered(client, notice_a):
    for choice in ("", "very", "满意"):
        response = vote(client, notice_a, choice)
        assert response.status_code == 400
        assert "请选择“满意”“基本满意”或“不满意”" in response.content.decode()
    assert not SatisfactionVote.objects.exists()


def test_votes_and_comments_share_the_address_allowance(client, notice_a):
    for _ in range(services.RATE_LIMIT - 1):
        assert vote(client, notice_a, "satisfied").status_code == 302
    url = reverse("disclosure:comment-add", args=[notice_a.pk])
    assert client.post(url, {"content": "建议"}, REMOTE_ADDR="10.0.0.1").status_code == 302
    response = vote(client, notice_a, "unsatisfied")
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert SatisfactionVote.objects.count() == services.RATE_LIMIT - 1
    assert Comment.objects.count() == 1
    assert vote(client, notice_a, "unsatisfied", address="10.0.0.2").status_code == 302


def test_an_internal_notice_takes_no_vote(client, cast, ledger_a):
    internal = publish_notice(ledger_a, actor=cast["alice"], text=TEXT, audience="internal")
    client.force_login(cast["bob"])
    assert vote(client, internal, "satisfied").status_code == 404
    page = client.get(internal.get_absolute_url()).content.decode()
    assert "您对本单位整改情况满意吗" not in page
    with pytest.raises(services.DisclosureError):
        satisfaction.vote(internal, actor=None, choice="satisfied", address=None)
    assert not SatisfactionVote.objects.exists()


def test_the_tally_counts_each_answer_by_unit_and_round(cast, ledger_a, notice_a, ledger_b):
    for choice in ("satisfied", "satisfied", "unsatisfied"):
        satisfaction.vote(notice_a, actor=None, choice=choice, address=None)
    assert satisfaction.tally(notice_a) == {"satisfied": 2, "fairly": 0, "unsatisfied": 1}
    notice_b = publish_notice(ledger_b, actor=cast["dave"], text=TEXT)
    satisfaction.vote(notice_b, actor=None, choice="fairly", address=None)
    by_unit = satisfaction.votes_by_unit(ledger_a.round)
    assert by_unit == {
        ledger_a.unit_id: {"satisfied": 2, "unsatisfied": 1},
        ledger_b.unit_id: {"fairly": 1},
    }
    assert satisfaction.votes_by_unit("另一轮") == {}
