"""Every API route, for every role of the cast and a caller without a token.

A route without a row here fails the test (the page matrix, tests/matrix/test_access_matrix.py,
leaves the api namespace to this file). Reads get the status the role's access gives;
writes send a valid body: a refused role leaves every table as it was, an allowed one
really writes. Callers use personal tokens, as other systems do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.conftest import EDIT_A, READ_A
from tests.matrix.test_access_matrix import ROLES
from tests.write_bodies import confirmed, count, fields, pdf, state
from zhenggai.api.main import api
from zhenggai.api.models import ApiToken
from zhenggai.api.tokens import create_token
from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice
from zhenggai.ledger.models import (
    Accountability,
    Completion,
    Extension,
    Inspection,
    Measure,
    Problem,
    Progress,
)
from zhenggai.oversight.models import SignOff, SupervisionOrder

PREFIX = "/api/v1"


def row(table: dict, **changes) -> dict:
    """A conftest table (None: no token) as API answers: 401 instead of a login redirect."""
    cells = {role: (401 if role is None else cell) for role, cell in table.items()}
    return {**cells, **changes}


def every(cell) -> dict:
    return row(dict.fromkeys(ROLES, cell))


ADMINS = ("simon", "sara", "audrey")
READ = row(READ_A)
LIST = every(200)
# Comments: the unit's editors and leaders answer them, the office reads them all.
COMMENT_LIST = every(200) | {"bob": 403, "owen": 403} | dict.fromkeys(ADMINS, 403)
COMMENT = row(EDIT_A, lena=200, olivia=200)
LEAD = every(403) | {"lena": 200, "olivia": 200, None: 401}

# (method, route) -> (object whose pk the route takes, what each role gets)
READS: dict[tuple[str, str], tuple[str | None, dict]] = {
    ("GET", "/inspections"): (None, LIST),
    ("GET", "/inspections/{pk}"): ("inspection", READ),
    ("GET", "/problems"): (None, LIST),
    ("GET", "/problems/{pk}"): ("problem", READ),
    ("GET", "/measures"): (None, LIST),
    ("GET", "/measures/{pk}"): ("measure", READ),
    ("GET", "/progress"): (None, LIST),
    ("GET", "/progress/{pk}"): ("progress", READ),
    ("GET", "/evidence/{pk}/file"): ("evidence", READ),
    ("GET", "/signoffs"): (None, LIST),
    ("GET", "/signoffs/{pk}"): ("signoff", READ),
    ("GET", "/orders"): (None, LIST),
    ("GET", "/orders/{pk}"): ("order", READ),
    ("GET", "/comments"): (None, COMMENT_LIST),
    ("GET", "/comments/{pk}"): ("comment", COMMENT),
    ("GET", "/statistics"): (None, LEAD),
    ("GET", "/me"): (None, LIST),
}


@dataclass
class Write:
    target: str | None
    body: Callable[[dict], dict]
    changes: Callable
    expected: dict
    multipart: bool = False
    prepare: Callable | None = None  # (world, client): what the write needs beforehand


def ok(status: int) -> tuple[int, bool]:
    return (status, True)


EDITOR = row(EDIT_A, alice=ok(201))
WRITES: dict[tuple[str, str], Write] = {
    ("POST", "/inspections/{pk}/problems"): Write(
        "inspection", lambda w: {"title": "新发现的问题"}, count(Problem), EDITOR
    ),
    ("PATCH", "/problems/{pk}"): Write(
        "spare_problem",
        lambda w: {"title": "改过的问题"},
        fields(Problem, "spare_problem", "title"),
        row(EDIT_A, alice=ok(200)),
    ),
    ("POST", "/problems/{pk}/measures"): Write(
        "spare_problem",
        lambda w: {"text": "新措施", "term": "deadline", "due": "2026-06-30"},
        count(Measure),
        EDITOR,
    ),
    ("PATCH", "/measures/{pk}"): Write(
        "spare_measure",
        lambda w: {"text": "改过的措施"},
        fields(Measure, "spare_measure", "text"),
        row(EDIT_A, alice=ok(200)),
    ),
    ("POST", "/measures/{pk}/progress"): Write(
        "open_measure",
        lambda w: {"reported_on": "2026-04-02", "text": "又召开会议1次", "files": pdf()},
        count(Progress),
        row(EDIT_A, alice=ok(201), owen=ok(201)),
        multipart=True,
    ),
    ("POST", "/progress/{pk}/withdraw"): Write(
        "own_report",
        lambda w: {"reason": "日期写错"},
        fields(Progress, "own_report", "withdrawn_at"),
        row(EDIT_A, alice=ok(200), owen=ok(200)),
    ),
    ("POST", "/measures/{pk}/completion"): Write(
        "open_measure",
        lambda w: {"note": "已完成"},
        count(Completion),
        row(EDIT_A, alice=ok(201), owen=ok(201)),
    ),
    ("POST", "/problems/{pk}/signoff"): Write(
        "finished_problem", lambda w: {"note": ""}, count(SignOff), EDITOR
    ),
    ("POST", "/signoffs/{pk}/approve"): Write(
        "signoff",
        lambda w: {},
        fields(SignOff, "signoff", "status"),
        row(READ_A, alice=403, bob=403, owen=403, lena=403, olivia=ok(200)),
    ),
    ("POST", "/signoffs/{pk}/return"): Write(
        "signoff",
        lambda w: {"reason": "佐证材料不全"},
        fields(SignOff, "signoff", "status"),
        row(READ_A, alice=403, bob=403, owen=403, lena=403, olivia=ok(200)),
    ),
    ("POST", "/orders"): Write(
        None,
        lambda w: {"unit": w["A"], "level": "notice", "due": "2026-12-31", "text": "请抓紧整改。"},
        count(SupervisionOrder),
        every(403) | {"olivia": ok(201), None: 401},
    ),
    ("POST", "/orders/{pk}/reply"): Write(
        "order",
        lambda w: {"text": "已整改到位。"},
        fields(SupervisionOrder, "order", "reply_text"),
        row(EDIT_A, alice=ok(200), lena=ok(200)),
    ),
    ("POST", "/comments/{pk}/reply"): Write(
        "comment",
        lambda w: {"reply": "感谢监督。", "reply_public": True},
        fields(Comment, "comment", "reply"),
        row(EDIT_A, alice=ok(200), lena=ok(200)),
    ),
    ("POST", "/completions/{pk}/confirm"): Write(
        "asked", lambda w: {}, fields(Completion, "asked", "status"), row(EDIT_A, alice=ok(200))
    ),
    ("POST", "/completions/{pk}/return"): Write(
        "asked",
        lambda w: {"reason": "佐证材料不全。"},
        fields(Completion, "asked", "status"),
        row(EDIT_A, alice=ok(200)),
    ),
    ("POST", "/measures/{pk}/extension"): Write(
        "open_measure",
        lambda w: {"new_due": "2027-06-30", "reason": "需跨年度实施"},
        count(Extension),
        row(EDIT_A, alice=ok(201), owen=ok(201)),
        prepare=confirmed,
    ),
    ("POST", "/extensions/{pk}/approve"): Write(
        "extension",
        lambda w: {},
        fields(Extension, "extension", "status"),
        row(EDIT_A, alice=403, olivia=ok(200)),
    ),
    ("POST", "/extensions/{pk}/refuse"): Write(
        "extension",
        lambda w: {"answer": "理由不充分。"},
        fields(Extension, "extension", "status"),
        row(EDIT_A, alice=403, olivia=ok(200)),
    ),
    ("POST", "/problems/{pk}/accountability"): Write(
        "problem",
        lambda w: {
            "name": "李某",
            "kind": "诫勉",  # the world holds someone to account with it
            "decided_on": "2026-04-02",
            "decided_by": "区纪委监委",
        },
        count(Accountability),
        EDITOR,
    ),
    ("PATCH", "/accountability/{pk}"): Write(
        "accountability",
        lambda w: {"name": "李某", "kind": "诫勉"},
        fields(Accountability, "accountability", "name"),
        row(EDIT_A, alice=ok(200)),
    ),
    ("DELETE", "/accountability/{pk}"): Write(
        "accountability", lambda w: {}, count(Accountability), row(EDIT_A, alice=ok(204))
    ),
    ("POST", "/inspections/{pk}/confirm"): Write(
        "inspection",
        lambda w: {"extension_by": "leader"},
        fields(Inspection, "inspection", "confirmed_at", "extension_by"),
        row(EDIT_A, alice=403, olivia=ok(200)),
    ),
    ("POST", "/signoffs/{pk}/correct"): Write(
        "approved_signoff",
        lambda w: {"note": "更正销号依据。"},
        count(SignOff),
        # The unit's editor reads the sign-off; only the office corrects it.
        row(READ_A, alice=403, bob=403, owen=403, lena=403, olivia=ok(201)),
    ),
    ("POST", "/signoffs/{pk}/correction-request"): Write(
        "approved_signoff",
        lambda w: {"note": "销号依据有误，请更正。"},
        count(SignOff),
        # As the page: the unit's editor asks; the office corrects directly instead.
        EDITOR,
    ),
    # The leader and the office read the draft page; only the unit's editors submit.
    ("POST", "/inspections/{pk}/drafts"): Write(
        "inspection",
        # A public version is published in the world: a new one names its correction.
        lambda w: {"text": "标题\n正文第二版", "note": "更正数据"},
        count(NoticeDraft),
        EDITOR,
    ),
    ("POST", "/drafts/{pk}/sign"): Write(
        "draft",
        lambda w: {},
        fields(NoticeDraft, "draft", "status"),
        row(EDIT_A, alice=403, lena=ok(200), olivia=403),
    ),
    ("POST", "/drafts/{pk}/return"): Write(
        "draft",
        lambda w: {"reason": "数字有误"},
        fields(NoticeDraft, "draft", "status"),
        row(EDIT_A, alice=403, lena=ok(200), olivia=403),
    ),
    ("POST", "/drafts/{pk}/publish"): Write(
        "signed_draft",
        lambda w: {},
        count(PublishedNotice),
        row(EDIT_A, alice=ok(201), lena=ok(201), olivia=403),
    ),
}


def routes() -> set[tuple[str, str]]:
    """(method, route) of every operation in the schema, the schema and docs aside."""
    schema = api.get_openapi_schema(path_prefix="")
    return {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}


def test_it_has_a_row_for_every_api_route():
    assert routes() == set(READS) | set(WRITES), "new API route: add its row here"


@pytest.fixture
def bearer(cast):
    """An Authorization header per role (None: none), tokens already used once."""
    headers = {None: {}}
    for name, user in cast.items():
        token, text = create_token(actor=user, name="矩阵")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        headers[name] = {"Authorization": f"Bearer {text}"}
    return headers


def url(route: str, world: dict, target: str | None) -> str:
    return PREFIX + (route.format(pk=world[target]) if target else route)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(READS))
def test_it_answers_each_role_as_the_matrix_says(key, role, world, bearer, client):
    target, expected = READS[key]
    response = client.get(url(key[1], world, target), headers=bearer[role])
    assert response.status_code == expected[role]
    if response.status_code != 200:
        body = response.json()
        assert set(body) == {"code", "message"} and body["message"]


def send(client, method: str, path: str, write: Write, world: dict, headers: dict):
    body = write.body(world)
    if write.multipart:
        return client.post(path, body, headers=headers)
    call = {"PATCH": client.patch, "DELETE": client.delete}.get(method, client.post)
    return call(path, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(WRITES))
def test_it_writes_for_the_roles_the_matrix_allows_and_only_for_them(
    key, role, write_world, bearer, client
):
    write = WRITES[key]
    if write.prepare:
        write.prepare(write_world, client)
    path = url(key[1], write_world, write.target)
    before, changes = state(client), write.changes(write_world, client)
    response = send(client, key[0], path, write, write_world, bearer[role])
    cell = write.expected[role]
    status, wrote = cell if isinstance(cell, tuple) else (cell, False)
    assert response.status_code == status, response.content.decode()
    if wrote:
        assert write.changes(write_world, client) != changes, "allowed, but nothing was written"
    else:
        assert state(client) == before
        assert set(response.json()) == {"code", "message"}


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(WRITES))
def test_it_refuses_every_write_with_a_read_only_token(key, write_world, cast, client):
    token, text = create_token(actor=cast["alice"], name="只读", read_only=True)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    write = WRITES[key]
    if write.prepare:
        write.prepare(write_world, client)
    path = url(key[1], write_world, write.target)
    before = state(client)
    response = send(client, key[0], path, write, write_world, {"Authorization": f"Bearer {text}"})
    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    assert state(client) == before
