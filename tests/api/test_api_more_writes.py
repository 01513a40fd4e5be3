"""The API's writes that mirror the last page-only acts: 提交签发 of a notice draft,
修改 and 删除 of a 问责 record, 确认台账 and 更正销号. Each goes through the page's
access rule and service: the audit event names the caller, a refusal writes nothing, a
bad body gets a Chinese message naming the field."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.write_bodies import state
from zhenggai.api.models import ApiToken
from zhenggai.api.tokens import create_token
from zhenggai.audit.models import Event
from zhenggai.disclosure import services as disclosure
from zhenggai.disclosure.models import NoticeDraft
from zhenggai.ledger import accountability
from zhenggai.ledger.models import Accountability, AccountabilityKind, Inspection, Measure, Problem
from zhenggai.oversight import services as oversight
from zhenggai.oversight.models import SignOff

pytestmark = pytest.mark.django_db
API = "/api/v1"
OUTSIDERS = [("carol", 404, "not_found"), ("dave", 404, "not_found")]


@pytest.fixture
def call(cast, client):
    """call(name, method, path, body): a request as the cast member `name`, with a token
    already used once (so that a refused call leaves every table as it was)."""
    headers = {}
    for name, user in cast.items():
        token, text = create_token(actor=user, name="测试")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        headers[name] = {"Authorization": f"Bearer {text}"}

    def send(name: str, method: str, path: str, body: dict | None = None):
        data = json.dumps(body if body is not None else {})
        verb = getattr(client, method.lower())
        return verb(API + path, data, content_type="application/json", headers=headers[name])

    return send


@pytest.fixture
def refused(call, client):
    """refused(name, method, path, body, status, code): refused, and nothing written."""

    def check(name, method, path, body, status, code) -> str:
        before = state(client)
        response = call(name, method, path, body)
        assert response.status_code == status, response.content.decode()
        answer = response.json()
        assert set(answer) == {"code", "message"} and answer["code"] == code
        assert state(client) == before
        return answer["message"]

    return check


def act(name: str) -> Event:
    return Event.objects.filter(act=name).latest("seq")


def a_problem(ledger_a) -> Problem:
    return Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()


# --- 提交签发 -----------------------------------------------------------------------


def drafts(ledger_a) -> str:
    return f"/inspections/{ledger_a.pk}/drafts"


def test_the_editor_submits_a_draft_for_signing(cast, ledger_a, call):
    earlier = disclosure.submit_draft(ledger_a, actor=cast["alice"], text="标题\n第一稿")
    body = {"text": "关于整改进展的通报\n 正文第二稿 ", "doc_number": "甲党〔2026〕3号"}
    response = call("alice", "POST", drafts(ledger_a), body)
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["status"] == "submitted" and answer["submitted_by"] == "alice"
    assert answer["audience"] == "public" and answer["inspection_id"] == ledger_a.pk
    assert answer["doc_number"] == "甲党〔2026〕3号"
    draft = NoticeDraft.objects.get(pk=answer["id"])
    assert draft.text == "关于整改进展的通报\n正文第二稿\n" and draft.sha256 == answer["sha256"]
    assert draft.submitted_by == cast["alice"]
    # The open earlier submission is replaced, as on the page.
    assert NoticeDraft.objects.get(pk=earlier.pk).status == NoticeDraft.Status.WITHDRAWN
    event = act("notice.submitted")
    assert event.actor == cast["alice"] and event.data["sha256"] == draft.sha256
    # The leader signs what was submitted.
    assert call("lena", "POST", f"/drafts/{draft.pk}/sign").status_code == 200


def test_the_internal_version_is_submitted_on_its_own(cast, ledger_a, call):
    body = {"text": "内部通报\n正文", "audience": "internal"}
    response = call("alice", "POST", drafts(ledger_a), body)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["audience"] == "internal"
    assert NoticeDraft.objects.get(pk=response.json()["id"]).audience == "internal"


@pytest.mark.parametrize(
    ("name", "status", "code"),
    # The leader and the office read the draft page, but only the unit's editors submit.
    [("lena", 403, "forbidden"), ("olivia", 403, "forbidden")]
    + [("bob", 403, "forbidden"), ("owen", 403, "forbidden")]
    + OUTSIDERS,
)
def test_only_the_editor_submits_a_draft(name, status, code, ledger_a, refused):
    refused(name, "POST", drafts(ledger_a), {"text": "标题\n正文"}, status, code)


def test_a_bad_draft_is_named(cast, ledger_a, refused):
    path = drafts(ledger_a)
    assert "text" in refused("alice", "POST", path, {}, 400, "invalid")
    assert "通报正文（text）" in refused("alice", "POST", path, {"text": " "}, 400, "invalid")
    wrong = refused("alice", "POST", path, {"text": "正文", "audience": "秘密"}, 400, "invalid")
    assert "audience" in wrong
    number = refused("alice", "POST", path, {"text": "正文", "doc_number": "三号"}, 400, "invalid")
    assert "文号（doc_number）" in number and "格式不对" in number
    long = {"text": "正文", "note": "长" * 501}
    assert "更正说明（note）" in refused("alice", "POST", path, long, 400, "invalid")


def test_a_new_version_needs_a_note_as_on_the_page(cast, ledger_a, call, refused):
    disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    message = refused("alice", "POST", drafts(ledger_a), {"text": "标题\n改"}, 400, "refused")
    assert "更正说明" in message
    response = call("alice", "POST", drafts(ledger_a), {"text": "标题\n改", "note": "更正数据"})
    assert response.status_code == 201 and response.json()["note"] == "更正数据"


def test_a_ledger_without_measures_has_no_draft(cast, ledger_a, refused):
    Measure.objects.filter(problem__inspection=ledger_a).delete()
    message = refused("alice", "POST", drafts(ledger_a), {"text": "标题"}, 400, "refused")
    assert "还没有任何整改措施" in message


# --- 问责记录：修改与删除 -----------------------------------------------------------


@pytest.fixture
def kinds(db):
    # A transactional test run earlier flushes the kinds the migration seeded.
    for name in ("批评教育", "诫勉"):
        AccountabilityKind.objects.get_or_create(name=name)


@pytest.fixture
def held(cast, ledger_a, kinds) -> Accountability:
    problem = a_problem(ledger_a)
    return accountability.add_accountability(
        problem,
        actor=cast["alice"],
        name="张某某",
        post="科长",
        kind=AccountabilityKind.objects.get(name="诫勉"),
        decided_on=dt.date(2026, 4, 2),
        decided_by="区纪委监委",
        measure=problem.measures.first(),
    )


def record_of(held) -> dict:
    return Accountability.objects.filter(pk=held.pk).values().first()


def test_the_editor_changes_only_the_fields_given(cast, held, call):
    before = record_of(held)
    body = {"kind": "批评教育", "post": "副科长"}
    response = call("alice", "PATCH", f"/accountability/{held.pk}", body)
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["kind"] == "批评教育" and answer["post"] == "副科长"
    assert answer["name"] == "张某某" and answer["measure_id"] == held.measure_id
    after = record_of(held)
    assert after["kind_id"] == AccountabilityKind.objects.get(name="批评教育").pk
    assert {k: v for k, v in after.items() if k not in ("kind_id", "post")} == {
        k: v for k, v in before.items() if k not in ("kind_id", "post")
    }
    event = act("accountability.updated")
    assert event.actor == cast["alice"] and event.data["fields"] == ["kind", "post"]
    assert event.data["problem"] == held.problem_id


def test_a_null_measure_puts_the_record_on_the_problem(cast, held, call):
    response = call("alice", "PATCH", f"/accountability/{held.pk}", {"measure": None})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["measure_id"] is None
    assert Accountability.objects.get(pk=held.pk).measure is None
    assert act("accountability.updated").data["fields"] == ["measure"]


WRITERS_ONLY = [
    ("bob", 403, "forbidden"),
    ("owen", 403, "forbidden"),
    ("lena", 403, "forbidden"),
    ("olivia", 403, "forbidden"),
    *OUTSIDERS,
]


@pytest.mark.parametrize(("name", "status", "code"), WRITERS_ONLY)
def test_only_the_editor_changes_or_deletes_a_record(name, status, code, held, refused):
    path = f"/accountability/{held.pk}"
    refused(name, "PATCH", path, {"name": "李某"}, status, code)
    refused(name, "DELETE", path, None, status, code)


def test_a_bad_change_is_named(cast, ledger_a, held, refused):
    path = f"/accountability/{held.pk}"
    unknown = refused("alice", "PATCH", path, {"kind": "撤职查看"}, 400, "invalid")
    assert "问责方式（kind）“撤职查看”不存在" in unknown and "诫勉" in unknown
    assert "姓名（name）" in refused("alice", "PATCH", path, {"name": " "}, 400, "invalid")
    assert "decided_by" in refused("alice", "PATCH", path, {"decided_by": ""}, 400, "invalid")
    assert "decided_on" in refused("alice", "PATCH", path, {"decided_on": "昨天"}, 400, "invalid")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "晚于今天" in refused("alice", "PATCH", path, {"decided_on": future}, 400, "refused")
    other = Measure.objects.filter(problem__inspection=ledger_a).exclude(problem=held.problem)
    wrong = refused("alice", "PATCH", path, {"measure": other.first().pk}, 400, "invalid")
    assert "整改措施（measure）" in wrong


def test_the_editor_deletes_a_record(cast, held, call, refused):
    response = call("alice", "DELETE", f"/accountability/{held.pk}")
    assert response.status_code == 204, response.content.decode()
    assert not Accountability.objects.filter(pk=held.pk).exists()
    event = act("accountability.deleted")
    assert event.actor == cast["alice"] and event.data["kind"] == "诫勉"
    assert event.data["problem"] == held.problem_id
    refused("alice", "DELETE", f"/accountability/{held.pk}", None, 404, "not_found")


def test_a_closed_problem_keeps_its_records(held, refused):
    Problem.objects.filter(pk=held.problem_id).update(closed_at=timezone.now())
    path = f"/accountability/{held.pk}"
    assert "已销号" in refused("alice", "PATCH", path, {"name": "李某"}, 400, "refused")
    assert "已销号" in refused("alice", "DELETE", path, None, 400, "refused")


# --- 确认台账 -----------------------------------------------------------------------


def test_the_office_confirms_a_ledger(cast, ledger_a, call):
    path = f"/inspections/{ledger_a.pk}/confirm"
    response = call("olivia", "POST", path)
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["id"] == ledger_a.pk and answer["confirmed_at"]
    assert answer["extension_by"] == "office"
    inspection = Inspection.objects.get(pk=ledger_a.pk)
    assert inspection.confirmed_at and inspection.confirmed_by == cast["olivia"]
    event = act("inspection.ledger_confirmed")
    assert event.actor == cast["olivia"] and event.data["extension_by"] == "office"


def test_a_confirmed_ledger_only_changes_who_decides_extensions(cast, ledger_a, call, refused):
    path = f"/inspections/{ledger_a.pk}/confirm"
    assert call("olivia", "POST", path, {"extension_by": "leader"}).status_code == 200
    first = Inspection.objects.get(pk=ledger_a.pk).confirmed_at
    assert "已于" in refused("olivia", "POST", path, {"extension_by": "leader"}, 400, "refused")
    response = call("olivia", "POST", path, {"extension_by": "office"})
    assert response.status_code == 200 and response.json()["extension_by"] == "office"
    inspection = Inspection.objects.get(pk=ledger_a.pk)
    assert inspection.extension_by == "office" and inspection.confirmed_at == first
    event = act("inspection.extensions_delegated")
    assert event.actor == cast["olivia"] and event.data["extension_by"] == "office"


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("alice", 403, "forbidden"), ("bob", 403, "forbidden"), ("owen", 403, "forbidden")]
    + [("lena", 403, "forbidden")]
    + OUTSIDERS,
)
def test_only_the_office_confirms_a_ledger(name, status, code, ledger_a, refused):
    refused(name, "POST", f"/inspections/{ledger_a.pk}/confirm", {}, status, code)


def test_a_bad_confirmation_is_named(ledger_a, refused):
    path = f"/inspections/{ledger_a.pk}/confirm"
    message = refused("olivia", "POST", path, {"extension_by": "editor"}, 400, "invalid")
    assert "extension_by" in message


# --- 更正销号 -----------------------------------------------------------------------


@pytest.fixture
def approved(cast, ledger_a) -> SignOff:
    problem = a_problem(ledger_a)
    problem.measures.update(status=Measure.Status.DONE)
    applied = oversight.apply_signoff(problem, actor=cast["alice"])
    return oversight.approve_signoff(applied, actor=cast["olivia"])


def test_the_office_corrects_a_signoff(cast, approved, call):
    before = SignOff.objects.filter(pk=approved.pk).values().get()
    path = f"/signoffs/{approved.pk}/correct"
    response = call("olivia", "POST", path, {"note": "销号依据应为第3次会议纪要"})
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["status"] == "correction" and answer["corrects_id"] == approved.pk
    assert answer["note"] == "销号依据应为第3次会议纪要" and answer["reviewer"] == "olivia"
    correction = SignOff.objects.get(pk=answer["id"])
    assert correction.corrects == approved and correction.applicant == cast["olivia"]
    # The corrected record itself stays as it was.
    assert SignOff.objects.filter(pk=approved.pk).values().get() == before
    event = act("signoff.corrected")
    assert event.actor == cast["olivia"] and event.data["corrects"] == approved.pk


@pytest.mark.parametrize(
    ("name", "status", "code"),
    # alice reads the sign-off (on the page she asks the office for a correction).
    [("alice", 403, "forbidden"), ("bob", 403, "forbidden"), ("owen", 403, "forbidden")]
    + [("lena", 403, "forbidden")]
    + OUTSIDERS,
)
def test_only_the_office_corrects_a_signoff(name, status, code, approved, refused):
    refused(name, "POST", f"/signoffs/{approved.pk}/correct", {"note": "更正"}, status, code)


def test_a_bad_correction_is_named(cast, ledger_a, approved, refused):
    path = f"/signoffs/{approved.pk}/correct"
    assert "更正内容（note）" in refused("olivia", "POST", path, {}, 400, "invalid")
    assert "更正内容（note）" in refused("olivia", "POST", path, {"note": " "}, 400, "invalid")
    assert "2000" in refused("olivia", "POST", path, {"note": "长" * 2001}, 400, "invalid")
    assert "note" in refused("olivia", "POST", path, {"note": ["更正"]}, 400, "invalid")
    # Only a record of 销号 is corrected.
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)[1]
    problem.measures.update(status=Measure.Status.DONE)
    applied = oversight.apply_signoff(problem, actor=cast["alice"])
    pending = f"/signoffs/{applied.pk}/correct"
    message = refused("olivia", "POST", pending, {"note": "更正"}, 400, "refused")
    assert message == "只能更正已销号的记录。"


# --- 申请更正销号 -------------------------------------------------------------------


def asking(signoff) -> str:
    return f"/signoffs/{signoff.pk}/correction-request"


def test_the_editor_asks_the_office_for_a_correction(cast, approved, call):
    before = SignOff.objects.filter(pk=approved.pk).values().get()
    closed = Problem.objects.get(pk=approved.problem_id).closed_at
    response = call("alice", "POST", asking(approved), {"note": " 销号依据应为第3次会议纪要 "})
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    assert answer["status"] == "corr_asked" and answer["status_display"] == "更正申请"
    assert answer["corrects_id"] == approved.pk and answer["problem_id"] == approved.problem_id
    assert answer["note"] == "销号依据应为第3次会议纪要"
    assert answer["applicant"] == "alice" and answer["reviewer"] is None
    asked = SignOff.objects.get(pk=answer["id"])
    assert asked.status == SignOff.Status.CORRECTION_ASKED and asked.corrects == approved
    assert asked.applicant == cast["alice"] and asked.reviewed_at is None
    # Nothing changes until the office approves: the record and the problem's 销号 stand.
    assert SignOff.objects.filter(pk=approved.pk).values().get() == before
    assert Problem.objects.get(pk=approved.problem_id).closed_at == closed
    event = act("signoff.correction_requested")
    assert event.actor == cast["alice"] and event.data["corrects"] == approved.pk
    assert event.data["note"] == "销号依据应为第3次会议纪要"
    # The office decides it as on the page, into the 更正记录.
    oversight.decide_correction(asked, actor=cast["olivia"], approve=True)
    assert SignOff.objects.get(pk=asked.pk).status == SignOff.Status.CORRECTION


@pytest.mark.parametrize(
    ("name", "status", "code"),
    # They all read the sign-off; the office corrects it itself (POST …/correct), the
    # viewer, the owner and the leader may do neither.
    [("bob", 403, "forbidden"), ("owen", 403, "forbidden"), ("lena", 403, "forbidden")]
    + [("olivia", 403, "forbidden")]
    + OUTSIDERS,
)
def test_only_the_editor_asks_for_a_correction(name, status, code, approved, refused):
    message = refused(name, "POST", asking(approved), {"note": "更正"}, status, code)
    assert message == ("您无权进行此操作。" if status == 403 else "未找到该对象，或您无权查看。")
    # Refused before the body is read: a bad body changes nothing about who may ask.
    refused(name, "POST", asking(approved), {}, status, code)


def test_a_bad_correction_request_is_named(cast, ledger_a, approved, call, refused):
    path = asking(approved)
    assert "更正内容（note）" in refused("alice", "POST", path, {}, 400, "invalid")
    assert "更正内容（note）" in refused("alice", "POST", path, {"note": " "}, 400, "invalid")
    long = refused("alice", "POST", path, {"note": "长" * 2001}, 400, "invalid")
    assert "更正内容（note）" in long and "2000" in long
    assert "note" in refused("alice", "POST", path, {"note": ["更正"]}, 400, "invalid")
    # One request at a time, as on the page.
    assert call("alice", "POST", path, {"note": "更正依据"}).status_code == 201
    again = refused("alice", "POST", path, {"note": "再次申请"}, 400, "refused")
    assert again == "该销号记录已有待审核的更正申请。"
    # Only a record of 销号 is corrected.
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)[1]
    problem.measures.update(status=Measure.Status.DONE)
    applied = oversight.apply_signoff(problem, actor=cast["alice"])
    message = refused("alice", "POST", asking(applied), {"note": "更正"}, 400, "refused")
    assert message == "只能对已销号的记录申请更正。"


# --- 审核更正申请 -------------------------------------------------------------------


@pytest.fixture
def asked(cast, approved) -> SignOff:
    note = "销号依据应为第3次会议纪要"
    return oversight.request_correction(approved, actor=cast["alice"], note=note)


def test_the_office_approves_a_correction_request(cast, approved, asked, call):
    before = SignOff.objects.filter(pk=approved.pk).values().get()
    closed = Problem.objects.get(pk=approved.problem_id).closed_at
    approvals = Event.objects.filter(act="signoff.approved").count()
    response = call("olivia", "POST", f"/signoffs/{asked.pk}/approve")
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["id"] == asked.pk and answer["status"] == "correction"
    assert answer["corrects_id"] == approved.pk and answer["reviewer"] == "olivia"
    # As decide_correction does: the request becomes the 更正记录, the record it
    # corrects and the problem's 销号 stand, no other record is made.
    decided = SignOff.objects.get(pk=asked.pk)
    assert decided.status == SignOff.Status.CORRECTION and decided.reviewer == cast["olivia"]
    assert decided.reviewed_at and decided.reason == ""
    assert decided.applicant == cast["alice"] and decided.note == "销号依据应为第3次会议纪要"
    assert SignOff.objects.filter(pk=approved.pk).values().get() == before
    assert Problem.objects.get(pk=approved.problem_id).closed_at == closed
    assert SignOff.objects.filter(problem=approved.problem).count() == 2
    event = act("signoff.correction_approved")
    assert event.actor == cast["olivia"] and event.data["corrects"] == approved.pk
    # Decided as a correction, not as an application: no second 销号 was recorded.
    assert Event.objects.filter(act="signoff.approved").count() == approvals


def test_the_office_returns_a_correction_request(cast, approved, asked, call, refused):
    before = SignOff.objects.filter(pk=approved.pk).values().get()
    path = f"/signoffs/{asked.pk}/return"
    # A return needs a reason, as on the page.
    assert "reason" in refused("olivia", "POST", path, {}, 400, "invalid")
    assert "退回理由（reason）" in refused("olivia", "POST", path, {"reason": " "}, 400, "invalid")
    response = call("olivia", "POST", path, {"reason": " 会议纪要不是销号依据 "})
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert answer["id"] == asked.pk and answer["status"] == "returned"
    assert answer["reason"] == "会议纪要不是销号依据" and answer["reviewer"] == "olivia"
    returned = SignOff.objects.get(pk=asked.pk)
    assert returned.status == SignOff.Status.RETURNED and returned.reviewer == cast["olivia"]
    assert returned.reason == "会议纪要不是销号依据" and returned.corrects == approved
    # The approved sign-off is unchanged and still 已销号.
    assert SignOff.objects.filter(pk=approved.pk).values().get() == before
    assert SignOff.objects.get(pk=approved.pk).status == SignOff.Status.APPROVED
    event = act("signoff.correction_returned")
    assert event.actor == cast["olivia"] and event.data["reason"] == "会议纪要不是销号依据"
    assert event.data["corrects"] == approved.pk
    # Decided once: it is not taken again (as on the page), and the unit may ask anew.
    message = refused("olivia", "POST", f"/signoffs/{asked.pk}/approve", {}, 400, "refused")
    assert message == "该申请已审核，不能重复处理。"
    assert call("alice", "POST", asking(approved), {"note": "补充依据"}).status_code == 201


def test_an_application_is_still_approved_into_signoff(cast, ledger_a, call):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)[1]
    problem.measures.update(status=Measure.Status.DONE)
    applied = oversight.apply_signoff(problem, actor=cast["alice"])
    response = call("olivia", "POST", f"/signoffs/{applied.pk}/approve")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "approved"
    assert Problem.objects.get(pk=problem.pk).closed_at
    assert act("signoff.approved").actor == cast["olivia"]


@pytest.mark.parametrize(
    ("name", "status", "code"),
    # alice asked; she, the viewer, the owner and the leader read it but do not decide.
    [("alice", 403, "forbidden"), ("bob", 403, "forbidden"), ("owen", 403, "forbidden")]
    + [("lena", 403, "forbidden")]
    + OUTSIDERS,
)
def test_only_the_office_decides_a_correction_request(name, status, code, asked, refused):
    refused(name, "POST", f"/signoffs/{asked.pk}/approve", {}, status, code)
    refused(name, "POST", f"/signoffs/{asked.pk}/return", {"reason": "不同意"}, status, code)
    assert SignOff.objects.get(pk=asked.pk).status == SignOff.Status.CORRECTION_ASKED


# --- the schema -------------------------------------------------------------------

NEW = {
    ("post", "/inspections/{pk}/drafts"): ("201", "DraftOut"),
    ("patch", "/accountability/{pk}"): ("200", "AccountabilityOut"),
    ("delete", "/accountability/{pk}"): ("204", None),
    ("post", "/inspections/{pk}/confirm"): ("200", "InspectionOut"),
    ("post", "/signoffs/{pk}/correct"): ("201", "SignOffOut"),
    ("post", "/signoffs/{pk}/correction-request"): ("201", "SignOffOut"),
}


def test_the_schema_documents_each_new_write(client):
    schema = client.get(f"{API}/openapi.json").json()
    for (method, path), (status, answer) in NEW.items():
        op = schema["paths"][f"{API}{path}"][method]
        assert op["tags"] == ["办理"] and op["description"], path
        assert {status, "400", "401", "403", "404"} <= set(op["responses"]), path
        if answer:
            ok = op["responses"][status]["content"]["application/json"]["schema"]
            assert ok["$ref"].endswith(answer), path
        else:
            assert "content" not in op["responses"][status], path
