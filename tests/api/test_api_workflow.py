"""The API's workflow writes beyond the matrix: 确认完成 / 退回, 延期申请 and its decision,
问责 records, 签发 and publication of a notice draft. Each goes through the page's
service: the audit event names the caller, a refusal writes nothing, a bad body gets a
Chinese message naming the field."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.write_bodies import pdf, state
from zhenggai.api.models import ApiToken
from zhenggai.api.tokens import create_token
from zhenggai.audit.models import Event
from zhenggai.disclosure import services as disclosure
from zhenggai.disclosure.models import NoticeDraft, PublishedNotice
from zhenggai.ledger import extensions
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityKind,
    Completion,
    Extension,
    Measure,
    Problem,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def call(cast, client):
    """call(name, path, body): a POST as the cast member `name`, with a token already
    used once (so that a refused call leaves every table as it was)."""
    headers = {}
    for name, user in cast.items():
        token, text = create_token(actor=user, name="测试")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        headers[name] = {"Authorization": f"Bearer {text}"}

    def post(name: str, path: str, body: dict | None = None):
        data = json.dumps(body if body is not None else {})
        return client.post(API + path, data, "application/json", headers=headers[name])

    return post


@pytest.fixture
def refused(call, client):
    """refused(name, path, body, status, code): the call is refused and writes nothing."""

    def check(name, path, body, status, code) -> str:
        before = state(client)
        response = call(name, path, body)
        assert response.status_code == status, response.content.decode()
        assert response.json()["code"] == code
        assert state(client) == before
        return response.json()["message"]

    return check


def act(name: str) -> Event:
    return Event.objects.filter(act=name).latest("seq")


def owned(ledger_a, cast, *, done: bool = False) -> Measure:
    """A measure of unit A owned by owen (not yet done, unless `done`)."""
    status = Measure.Status.DONE if done else Measure.Status.PLANNED
    return Measure.objects.filter(
        problem__inspection=ledger_a, owner_user=cast["owen"], status=status
    ).first()


def asked(ledger_a, cast, *, paper: bool = False) -> Completion:
    """owen reported evidence (a file, or only a reference to paper) and asks to complete."""
    measure = owned(ledger_a, cast)
    ledger.report_progress(
        measure,
        actor=cast["owen"],
        text="已修订制度",
        reported_on=dt.date(2026, 4, 1),
        files=[] if paper else [pdf()],
        references=["纸质会议记录，存档于办公室"] if paper else [],
    )
    return ledger.request_completion(measure, actor=cast["owen"], note="已完成")


# --- 确认完成 / 退回 -------------------------------------------------------------


def test_the_editor_confirms_a_completion_and_the_measure_is_done(cast, ledger_a, call):
    completion = asked(ledger_a, cast)
    response = call("alice", f"/completions/{completion.pk}/confirm")
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["status"] == "confirmed" and answer["measure_status"] == "done"
    assert answer["reviewer"] == "alice" and answer["status_display"] == "已确认"
    assert Measure.objects.get(pk=completion.measure_id).status == Measure.Status.DONE
    event = act("measure.completion_confirmed")
    assert event.actor == cast["alice"] and event.data["measure"] == completion.measure_id


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("bob", 403, "forbidden"), ("owen", 403, "forbidden"), ("lena", 403, "forbidden")]
    + [("olivia", 403, "forbidden"), ("carol", 404, "not_found"), ("dave", 404, "not_found")],
)
def test_others_may_not_confirm_or_return_a_completion(name, status, code, cast, ledger_a, refused):
    completion = asked(ledger_a, cast)
    refused(name, f"/completions/{completion.pk}/confirm", {}, status, code)
    refused(name, f"/completions/{completion.pk}/return", {"reason": "不全"}, status, code)


def test_where_the_leader_confirms_the_editor_may_not(cast, ledger_a, call, refused):
    ledger_a.confirm_by = "leader"
    ledger_a.save()
    completion = asked(ledger_a, cast)
    refused("alice", f"/completions/{completion.pk}/confirm", {}, 403, "forbidden")
    assert call("lena", f"/completions/{completion.pk}/confirm").status_code == 200
    assert act("measure.completion_confirmed").actor == cast["lena"]


def test_paper_evidence_is_confirmed_only_once_inspected(cast, ledger_a, call, refused):
    completion = asked(ledger_a, cast, paper=True)
    path = f"/completions/{completion.pk}/confirm"
    message = refused("alice", path, {}, 400, "refused")
    assert "已查验" in message
    response = call("alice", path, {"inspected": True})
    assert response.status_code == 200 and response.json()["inspected"] is True
    assert act("measure.completion_confirmed").data["inspected"] is True
    again = refused("alice", path, {"inspected": True}, 400, "refused")
    assert again == "该完成申请已处理。"


def test_a_confirmation_with_a_bad_body_names_the_field(cast, ledger_a, refused):
    completion = asked(ledger_a, cast)
    path = f"/completions/{completion.pk}/confirm"
    message = refused("alice", path, {"inspected": "也许"}, 400, "invalid")
    assert "inspected" in message


def test_the_editor_returns_a_completion_with_a_reason(cast, ledger_a, call, refused):
    completion = asked(ledger_a, cast)
    path = f"/completions/{completion.pk}/return"
    assert "退回理由（reason）" in refused("alice", path, {"reason": "  "}, 400, "invalid")
    assert "reason" in refused("alice", path, {}, 400, "invalid")
    assert "2000" in refused("alice", path, {"reason": "长" * 2001}, 400, "invalid")
    response = call("alice", path, {"reason": "佐证材料与措施不符"})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["reason"] == "佐证材料与措施不符"
    # Reporting made it 推进中; a returned request leaves it there.
    assert Measure.objects.get(pk=completion.measure_id).status == Measure.Status.IN_PROGRESS
    event = act("measure.completion_returned")
    assert event.actor == cast["alice"] and event.data["reason"] == "佐证材料与措施不符"


def test_a_completion_request_answers_with_the_request(cast, ledger_a, call):
    measure = owned(ledger_a, cast)
    ledger.report_progress(
        measure, actor=cast["owen"], text="进展", reported_on=dt.date(2026, 4, 1), files=[pdf()]
    )
    response = call("owen", f"/measures/{measure.pk}/completion", {"note": "已完成"})
    assert response.status_code == 201
    answer = response.json()
    assert answer["measure_id"] == measure.pk and answer["status"] == "requested"
    assert answer["requested_by"] == "owen" and answer["measure_status"] == "in_progress"


# --- 延期申请 -----------------------------------------------------------------------


def confirm(ledger_a, cast, extension_by: str = "office"):
    extensions.confirm_ledger(ledger_a, actor=cast["olivia"], extension_by=extension_by)


@pytest.mark.parametrize("name", ["owen", "alice"])
def test_the_owner_or_editor_asks_for_an_extension(name, cast, ledger_a, call):
    confirm(ledger_a, cast)
    measure = owned(ledger_a, cast)
    body = {"new_due": "2026-12-31", "reason": "需跨年度招标"}
    response = call(name, f"/measures/{measure.pk}/extension", body)
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["status"] == "requested" and answer["new_due"] == "2026-12-31"
    assert answer["old_due"] == measure.due.isoformat() and answer["reason"] == "需跨年度招标"
    extension = Extension.objects.get(pk=answer["id"])
    assert extension.requested_by == cast[name] and extension.measure == measure
    event = act("extension.requested")
    assert event.actor == cast[name] and event.data["new_due"] == "2026-12-31"
    measure.refresh_from_db()
    assert measure.due == extension.old_due  # unchanged until decided


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("bob", 403, "forbidden"), ("lena", 403, "forbidden"), ("olivia", 403, "forbidden")]
    + [("carol", 404, "not_found"), ("dave", 404, "not_found")],
)
def test_others_may_not_ask_for_an_extension(name, status, code, cast, ledger_a, refused):
    confirm(ledger_a, cast)
    path = f"/measures/{owned(ledger_a, cast).pk}/extension"
    refused(name, path, {"new_due": "2026-12-31", "reason": "理由"}, status, code)


def test_an_extension_request_is_checked_as_the_page_checks_it(cast, ledger_a, refused):
    path = f"/measures/{owned(ledger_a, cast).pk}/extension"
    body = {"new_due": "2026-12-31", "reason": "需跨年度招标"}
    assert "台账尚未确认" in refused("owen", path, body, 400, "refused")
    confirm(ledger_a, cast)
    early = refused("owen", path, {**body, "new_due": "2026-03-01"}, 400, "refused")
    assert "须晚于现在的完成时限" in early
    assert "延期理由（reason）" in refused("owen", path, {**body, "reason": " "}, 400, "invalid")
    assert "new_due" in refused("owen", path, {**body, "new_due": "2026-02-30"}, 400, "invalid")
    assert "new_due" in refused("owen", path, {"reason": "理由"}, 400, "invalid")
    done = f"/measures/{owned(ledger_a, cast, done=True).pk}/extension"
    assert "已完成" in refused("alice", done, body, 400, "refused")


def requested(ledger_a, cast) -> Extension:
    confirm(ledger_a, cast)
    return extensions.request_extension(
        owned(ledger_a, cast), actor=cast["owen"], new_due=dt.date(2026, 12, 31), reason="跨年度"
    )


def test_the_office_approves_an_extension_and_the_first_date_is_kept(cast, ledger_a, call):
    extension = requested(ledger_a, cast)
    first = extension.measure.due
    response = call("olivia", f"/extensions/{extension.pk}/approve", {"answer": "同意"})
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["status"] == "approved" and answer["measure_due"] == "2026-12-31"
    assert answer["decided_by"] == "olivia" and answer["answer"] == "同意"
    measure = Measure.objects.get(pk=extension.measure_id)
    assert measure.due == dt.date(2026, 12, 31) and measure.original_due == first
    event = act("extension.decided")
    assert event.actor == cast["olivia"] and event.data["approved"] is True


def test_a_refusal_needs_a_reason_and_leaves_the_date(cast, ledger_a, call, refused):
    extension = requested(ledger_a, cast)
    path = f"/extensions/{extension.pk}/refuse"
    assert refused("olivia", path, {}, 400, "refused") == "不批准延期须写明理由。"
    assert "answer" in refused("olivia", path, {"answer": "长" * 2001}, 400, "invalid")
    response = call("olivia", path, {"answer": "理由不充分"})
    assert response.status_code == 200 and response.json()["status"] == "refused"
    assert Measure.objects.get(pk=extension.measure_id).due == extension.old_due
    assert act("extension.decided").data["approved"] is False
    again = refused("olivia", f"/extensions/{extension.pk}/approve", {}, 400, "refused")
    assert again == "该延期申请已审批。"


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("alice", 403, "forbidden"), ("owen", 403, "forbidden"), ("lena", 403, "forbidden")]
    + [("bob", 403, "forbidden"), ("carol", 404, "not_found"), ("dave", 404, "not_found")],
)
def test_only_the_office_decides_unless_it_delegated(name, status, code, cast, ledger_a, refused):
    extension = requested(ledger_a, cast)
    refused(name, f"/extensions/{extension.pk}/approve", {}, status, code)
    refused(name, f"/extensions/{extension.pk}/refuse", {"answer": "不同意"}, status, code)


def test_the_delegated_leader_decides(cast, ledger_a, call, refused):
    extension = requested(ledger_a, cast)
    confirm(ledger_a, cast, extension_by="leader")
    refused("alice", f"/extensions/{extension.pk}/approve", {}, 403, "forbidden")
    assert call("lena", f"/extensions/{extension.pk}/approve").status_code == 200
    assert act("extension.decided").actor == cast["lena"]


# --- 问责 ---------------------------------------------------------------------------


def held_body(**changes) -> dict:
    body = {
        "name": "张某某",
        "post": "科长",
        "person_unit": "甲单位",
        "kind": "诫勉",
        "decided_on": "2026-04-02",
        "decided_by": "区纪委监委",
    }
    return {**body, **changes}


@pytest.fixture
def kinds(db):
    # A transactional test run earlier flushes the kinds the migration seeded.
    for name in ("批评教育", "诫勉"):
        AccountabilityKind.objects.get_or_create(name=name)


def a_problem(ledger_a) -> Problem:
    return Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()


def test_the_editor_records_accountability_on_a_problem(cast, ledger_a, kinds, call):
    problem = a_problem(ledger_a)
    measure = problem.measures.first()
    response = call(
        "alice", f"/problems/{problem.pk}/accountability", held_body(measure=measure.pk)
    )
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["kind"] == "诫勉" and answer["measure_id"] == measure.pk
    assert answer["problem_id"] == problem.pk and answer["name"] == "张某某"
    held = Accountability.objects.get(pk=answer["id"])
    assert held.decided_by == "区纪委监委" and held.post == "科长"
    event = act("accountability.added")
    assert event.actor == cast["alice"]
    assert event.data["problem"] == problem.pk and event.data["kind"] == "诫勉"


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("bob", 403, "forbidden"), ("owen", 403, "forbidden"), ("lena", 403, "forbidden")]
    + [("olivia", 403, "forbidden"), ("carol", 404, "not_found"), ("dave", 404, "not_found")],
)
def test_only_the_editor_records_accountability(name, status, code, ledger_a, kinds, refused):
    path = f"/problems/{a_problem(ledger_a).pk}/accountability"
    refused(name, path, held_body(), status, code)


def test_a_bad_accountability_record_is_named(cast, ledger_a, kinds, refused):
    problem = a_problem(ledger_a)
    path = f"/problems/{problem.pk}/accountability"
    unknown = refused("alice", path, held_body(kind="撤职查看"), 400, "invalid")
    assert "问责方式（kind）“撤职查看”不存在" in unknown and "诫勉" in unknown
    assert "姓名（name）" in refused("alice", path, held_body(name=" "), 400, "invalid")
    assert "decided_by" in refused("alice", path, held_body(decided_by=""), 400, "invalid")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "晚于今天" in refused("alice", path, held_body(decided_on=future), 400, "refused")
    other = Measure.objects.filter(problem__inspection=ledger_a).exclude(problem=problem).first()
    assert "整改措施（measure）" in refused(
        "alice", path, held_body(measure=other.pk), 400, "invalid"
    )
    assert "decided_on" in refused("alice", path, held_body(decided_on="昨天"), 400, "invalid")


def test_a_closed_problem_takes_no_accountability_record(cast, ledger_a, kinds, refused):
    problem = a_problem(ledger_a)
    Problem.objects.filter(pk=problem.pk).update(closed_at=timezone.now())
    path = f"/problems/{problem.pk}/accountability"
    assert "已销号" in refused("alice", path, held_body(), 400, "refused")


# --- 签发与发布 ---------------------------------------------------------------------


def submitted(ledger_a, cast) -> NoticeDraft:
    return disclosure.submit_draft(ledger_a, actor=cast["alice"], text="关于整改进展的通报\n正文")


@pytest.mark.parametrize("name", ["lena"])
def test_a_leader_signs_the_submitted_draft(name, cast, ledger_a, call):
    draft = submitted(ledger_a, cast)
    response = call(name, f"/drafts/{draft.pk}/sign")
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["status"] == "signed" and answer["signed_by"] == name
    assert answer["sha256"] == draft.sha256
    assert NoticeDraft.objects.get(pk=draft.pk).signed_by == cast[name]
    event = act("notice.signed")
    assert event.actor == cast[name] and event.data["sha256"] == draft.sha256


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("alice", 403, "forbidden"), ("bob", 403, "forbidden"), ("owen", 403, "forbidden")]
    # The office reads every unit's draft, but 签发 is the unit's own leaders'.
    + [("olivia", 403, "forbidden")]
    + [("carol", 404, "not_found"), ("dave", 404, "not_found")],
)
def test_only_a_leader_signs_or_returns(name, status, code, cast, ledger_a, refused):
    draft = submitted(ledger_a, cast)
    refused(name, f"/drafts/{draft.pk}/sign", {}, status, code)
    refused(name, f"/drafts/{draft.pk}/return", {"reason": "数字有误"}, status, code)


def test_a_leader_returns_a_draft_with_a_reason(cast, ledger_a, call, refused):
    draft = submitted(ledger_a, cast)
    path = f"/drafts/{draft.pk}/return"
    assert "退回理由（reason）" in refused("lena", path, {"reason": ""}, 400, "invalid")
    response = call("lena", path, {"reason": "第二段数字有误"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert NoticeDraft.objects.get(pk=draft.pk).reason == "第二段数字有误"
    assert act("notice.returned").actor == cast["lena"]
    assert "已退回" in refused("lena", f"/drafts/{draft.pk}/sign", {}, 400, "refused")


@pytest.mark.parametrize("name", ["alice", "lena"])
def test_the_signed_text_is_published_byte_for_byte(name, cast, ledger_a, call):
    draft = submitted(ledger_a, cast)
    disclosure.sign_draft(draft, actor=cast["lena"])
    response = call(name, f"/drafts/{draft.pk}/publish")
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    notice = PublishedNotice.objects.get(pk=answer["id"])
    assert notice.sha256 == draft.sha256 == answer["sha256"] and answer["version"] == 1
    assert answer["url"] == notice.get_absolute_url()
    assert NoticeDraft.objects.get(pk=draft.pk).notice == notice
    event = act("notice.published")
    assert event.actor == cast[name]


def test_an_unsigned_draft_is_not_published(cast, ledger_a, refused):
    draft = submitted(ledger_a, cast)
    message = refused("alice", f"/drafts/{draft.pk}/publish", {}, 400, "refused")
    assert "待签发" in message
    refused("bob", f"/drafts/{draft.pk}/publish", {}, 403, "forbidden")
    refused("dave", f"/drafts/{draft.pk}/publish", {}, 404, "not_found")


# --- the schema -------------------------------------------------------------------

NEW = {
    "/completions/{pk}/confirm": "CompletionOut",
    "/completions/{pk}/return": "CompletionOut",
    "/measures/{pk}/extension": "ExtensionOut",
    "/extensions/{pk}/approve": "ExtensionOut",
    "/extensions/{pk}/refuse": "ExtensionOut",
    "/problems/{pk}/accountability": "AccountabilityOut",
    "/drafts/{pk}/sign": "DraftOut",
    "/drafts/{pk}/return": "DraftOut",
    "/drafts/{pk}/publish": "NoticeOut",
}


def test_the_schema_documents_each_workflow_write(client):
    schema = client.get(f"{API}/openapi.json").json()
    for path, answer in NEW.items():
        op = schema["paths"][f"{API}{path}"]["post"]
        assert op["tags"] == ["办理"] and op["description"], path
        ok = op["responses"].get("201") or op["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith(answer), path
        assert {"400", "401", "403", "404"} <= set(op["responses"]), path
        assert answer in schema["components"]["schemas"]


def test_a_body_that_is_not_json_gets_a_chinese_message(cast, ledger_a, client):
    completion = asked(ledger_a, cast)
    token = create_token(actor=cast["alice"], name="测试")[1]
    response = client.post(
        f"{API}/completions/{completion.pk}/confirm",
        "{inspected: true",
        "application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "请求" in response.json()["message"]
