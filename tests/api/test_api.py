"""The API's behaviour beyond the matrix: who is let in, pages and filters, error bodies,
the services' audit events, evidence upload, the schema and its docs page."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openapi_spec_validator import validate

from tests.write_bodies import pdf
from zhenggai.api.tokens import create_token
from zhenggai.audit.models import Event
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import Evidence, Measure, Progress

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user, **kwargs) -> dict:
    return {"Authorization": f"Bearer {create_token(actor=user, name='测试', **kwargs)[1]}"}


def test_the_schema_is_valid_openapi_3_and_public(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert f"{API}/measures/{{pk}}/progress" in schema["paths"]


def test_the_docs_page_lists_every_path_and_loads_nothing_from_outside(client):
    page = client.get(f"{API}/docs").content.decode()
    assert "/api/v1/measures/{pk}/progress" in page and "报送整改进展" in page
    assets = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer zg_0_x"}, {"Authorization": "x"}]
)
def test_it_answers_401_in_chinese_without_a_valid_token(headers, client, ledger_a):
    response = client.get(f"{API}/measures", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert "令牌" in response.json()["message"]


def test_a_browser_session_reads_and_writes_only_with_its_csrf_token(cast, ledger_a):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["alice"])
    assert browser.get(f"{API}/inspections").json()["count"] == 1
    url = f"{API}/inspections/{ledger_a.pk}/problems"
    body = json.dumps({"title": "会话新增的问题"})
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf"
    browser.get("/accounts/tokens/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    done = browser.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert done.status_code == 201 and done.json()["title"] == "会话新增的问题"


def test_lists_page_and_filter_by_unit_round_status_and_date(cast, ledger_a, ledger_b, client):
    headers = bearer(cast["olivia"])
    everything = client.get(f"{API}/measures?limit=3&offset=2", headers=headers).json()
    assert everything["count"] == 16 and len(everything["items"]) == 3
    assert everything["offset"] == 2 and everything["limit"] == 3
    of_a = client.get(f"{API}/measures?unit={ledger_a.unit_id}", headers=headers).json()
    assert of_a["count"] == 8
    assert {m["inspection_id"] for m in of_a["items"]} == {ledger_a.pk}
    done = client.get(f"{API}/measures?status=done", headers=headers).json()
    assert done["count"] == 8 and {m["status"] for m in done["items"]} == {"done"}
    red = client.get(f"{API}/measures?status=light:red", headers=headers).json()
    overdue = Measure.objects.overdue(dt.date.today()).count()
    assert red["count"] == overdue and all(m["light"] == "red" for m in red["items"])
    due = client.get(f"{API}/measures?since=2026-03-31&until=2026-03-31", headers=headers).json()
    assert due["count"] == 8 and {m["due"] for m in due["items"]} == {"2026-03-31"}
    rounds = client.get(f"{API}/inspections?round=没有这一轮", headers=headers).json()
    assert rounds["count"] == 0


def test_bad_parameters_get_a_chinese_message_naming_them(cast, ledger_a, client):
    headers = bearer(cast["alice"])
    status = client.get(f"{API}/measures?status=finished", headers=headers)
    assert status.status_code == 400
    assert "status" in status.json()["message"] and "planned" in status.json()["message"]
    limit = client.get(f"{API}/measures?limit=100000", headers=headers)
    assert limit.status_code == 400 and "limit" in limit.json()["message"]
    offset = client.get(f"{API}/measures?offset={10**20}", headers=headers)
    assert offset.status_code == 400 and "offset" in offset.json()["message"]
    date = client.get(f"{API}/measures?since=2026-13-01", headers=headers)
    assert date.status_code == 400 and "since" in date.json()["message"]


def test_a_list_shows_only_what_the_user_may_read(cast, ledger_a, ledger_b, client):
    mine = client.get(f"{API}/problems", headers=bearer(cast["dave"])).json()
    assert mine["count"] == 6
    assert {p["inspection_id"] for p in mine["items"]} == {ledger_b.pk}


def test_a_progress_report_with_evidence_goes_through_the_service(cast, ledger_a, client):
    measure = Measure.objects.filter(problem__inspection=ledger_a, owner_user=cast["owen"]).first()
    body = {
        "reported_on": "2026-04-02",
        "text": "召开专题会议",
        "figures": "召开专题民主生活会 1 次",
        "files": [pdf(), SimpleUploadedFile("台账.pdf", b"%PDF-1.4\n%%EOF\n")],
    }
    url = f"{API}/measures/{measure.pk}/progress"
    response = client.post(url, body, headers=bearer(cast["owen"]))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert [e["name"] for e in answer["evidence"]] == ["会议纪要.pdf", "台账.pdf"]
    assert answer["figures"][0]["counts"] == "召开专题民主生活会"
    event = Event.objects.filter(act="progress.reported").latest("seq")
    assert event.actor == cast["owen"] and len(event.data["evidence"]) == 2
    download = client.get(answer["evidence"][0]["download"], headers=bearer(cast["bob"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_a_refused_upload_is_named_and_leaves_nothing(cast, ledger_a, client):
    measure = Measure.objects.filter(problem__inspection=ledger_a, owner_user=cast["owen"]).first()
    body = {
        "reported_on": "2026-04-02",
        "text": "进展",
        "files": [SimpleUploadedFile("a.pdf", b"MZ")],
    }
    response = client.post(
        f"{API}/measures/{measure.pk}/progress", body, headers=bearer(cast["owen"])
    )
    assert response.status_code == 400 and "a.pdf" in response.json()["message"]
    assert not Progress.objects.exists() and not Evidence.objects.exists()


def test_an_update_based_on_an_old_version_is_refused(cast, ledger_a, client):
    measure = Measure.objects.filter(problem__inspection=ledger_a).first()
    headers, url = bearer(cast["alice"]), f"{API}/measures/{measure.pk}"
    first = client.patch(
        url, json.dumps({"text": "甲", "version": 1}), "application/json", headers=headers
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        url, json.dumps({"text": "乙", "version": 1}), "application/json", headers=headers
    )
    assert stale.status_code == 400 and "已被他人修改" in stale.json()["message"]
    measure.refresh_from_db()
    assert measure.text == "甲"


def test_a_closed_problem_refuses_changes_with_the_services_message(cast, ledger_a, client):
    problem = ledger_a.problems.filter(parent__isnull=False).first()
    problem.closed_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    problem.save()
    body = json.dumps({"title": "改"})
    response = client.patch(
        f"{API}/problems/{problem.pk}", body, "application/json", headers=bearer(cast["alice"])
    )
    assert response.status_code == 400 and response.json()["code"] == "refused"
    assert "已销号" in response.json()["message"]


def test_statistics_count_what_the_leader_leads(cast, ledger_a, ledger_b, client):
    stats = client.get(f"{API}/statistics", headers=bearer(cast["lena"])).json()
    assert stats["inspections"] == 1 and stats["measures"] == 8 and stats["problems"] == 4
    by_status = {row["key"]: row["count"] for row in stats["measures_by_status"]}
    assert by_status["done"] == 4 and by_status["planned"] == 4
    assert sum(row["count"] for row in stats["measures_by_light"]) == 8
    office = client.get(f"{API}/statistics", headers=bearer(cast["olivia"])).json()
    assert office["measures"] == 16


def test_an_expired_token_is_refused(cast, ledger_a, client):
    headers = bearer(cast["bob"], expires_on=dt.date.today())
    assert client.get(f"{API}/me", headers=headers).json()["username"] == "bob"
    from zhenggai.api.models import ApiToken

    ApiToken.objects.update(expires_on=dt.date.today() - dt.timedelta(days=1))
    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_withdrawal_through_the_api_is_audited(cast, ledger_a, client):
    measure = Measure.objects.filter(problem__inspection=ledger_a, owner_user=cast["owen"]).first()
    report = ledger.report_progress(
        measure, actor=cast["owen"], text="进展", reported_on=dt.date(2026, 4, 1)
    )
    url = f"{API}/progress/{report.pk}/withdraw"
    body = json.dumps({"reason": "   "})
    empty = client.post(url, body, "application/json", headers=bearer(cast["owen"]))
    assert empty.status_code == 400 and "理由" in empty.json()["message"]
    body = json.dumps({"reason": "日期有误"})
    done = client.post(url, body, "application/json", headers=bearer(cast["owen"]))
    assert done.status_code == 200 and done.json()["withdraw_reason"] == "日期有误"
    assert Event.objects.filter(act="progress.withdrawn", actor=cast["owen"]).exists()
