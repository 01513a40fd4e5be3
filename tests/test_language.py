"""Everything users read is Chinese, whatever language the browser asks for."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_in_chinese_to_an_english_browser(login, cast, units):
    client = login("alice")
    response = client.post(
        reverse("ledger:inspection-add"),
        {"unit": units["A"].pk, "round": "", "feedback_date": "not a date"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" not in page and "Enter a valid date" not in page
    assert "这个字段是必填项" in page or "必填" in page
    assert 'lang="zh-Hans"' in page
