"""Every URL of the project, for every role of the cast, an outsider and a visitor.

A URL pattern without a row here fails the test: a new page must say who may see it.
A URL that accepts POST also needs a valid body (tests/write_bodies.py), sent by every
role: a refused role must leave every table as it was, an allowed one must really write.
Each cell starts from the same world (tests/matrix/conftest.py), so a POST in one cell
cannot change another.
"""

import inspect

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.conftest import EDIT_A, READ_A
from tests.write_bodies import WRITES, form_data, new_inspection, state
from zhenggai.accounts.models import Membership, Unit
from zhenggai.ledger.forms import InspectionForm
from zhenggai.ledger.models import (
    Inspection,
)

Role = Membership.Role
ROLES = ["alice", "bob", "carol", "dave", "owen", "lena", "olivia", "simon", "sara", "audrey", None]


def url_patterns():
    """(namespace, pattern) for every URL pattern but the admin's and the API's (whose
    routes have their own matrix: tests/matrix/test_api_matrix.py)."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in ("admin", "api"):
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            else:
                yield namespace, pattern

    return list(walk(get_resolver().url_patterns, None))


# url name -> (object whose pk the URL takes, method, extra kwargs)
TARGETS = {
    "accounts:login": (None, "GET", {}),
    "accounts:logout": (None, "POST", {}),
    "accounts:password-change": (None, "GET", {}),
    "accounts:lock-list": (None, "GET", {}),
    "accounts:unit-list": (None, "GET", {}),
    "accounts:unit-add": (None, "GET", {}),
    "accounts:unit-detail": ("unit", "GET", {}),
    "accounts:unit-edit": ("unit", "GET", {}),
    "accounts:unit-active": ("unit", "POST", {}),
    "accounts:letterhead-edit": ("unit", "GET", {}),
    "accounts:membership-add": ("unit", "POST", {}),
    "accounts:membership-edit": ("membership", "POST", {}),
    "accounts:membership-delete": ("membership", "POST", {}),
    "accounts:user-list": (None, "GET", {}),
    "accounts:user-add": (None, "GET", {}),
    "accounts:user-detail": ("person", "GET", {}),
    "accounts:user-edit": ("person", "GET", {}),
    "accounts:user-active": ("person", "POST", {}),
    "accounts:user-reset": ("person", "POST", {}),
    "accounts:one-time": (None, "GET", {}),
    "accounts:policy": (None, "GET", {}),
    "accounts:directory-import": (None, "GET", {}),
    "accounts:directory-preview": (None, "GET", {"token": "0" * 32}),
    "accounts:directory-template": (None, "GET", {}),
    "accounts:directory-export": (None, "GET", {}),
    "ledger:home": (None, "GET", {}),
    "ledger:import": (None, "GET", {}),
    "ledger:import-preview": (None, "GET", {"token": "0" * 32}),
    "ledger:inspection-add": (None, "GET", {}),
    "ledger:inspection-detail": ("inspection", "GET", {}),
    "ledger:inspection-edit": ("inspection", "GET", {}),
    "ledger:inspection-delete": ("inspection", "POST", {}),
    "ledger:inspection-void": ("inspection", "POST", {}),
    "ledger:voided-list": (None, "GET", {}),
    "ledger:inspection-xlsx": ("inspection", "GET", {}),
    "ledger:problem-add": ("inspection", "GET", {}),
    "ledger:problem-edit": ("problem", "GET", {}),
    "ledger:problem-move": ("problem", "POST", {}),
    "ledger:problem-delete": ("problem", "POST", {}),
    "ledger:measure-add": ("problem", "GET", {}),
    "ledger:measure-detail": ("measure", "GET", {}),
    "ledger:search": (None, "GET", {}),
    "ledger:measure-bulk": (None, "GET", {}),
    "ledger:measure-edit": ("measure", "GET", {}),
    "ledger:measure-move": ("measure", "POST", {}),
    "ledger:measure-delete": ("measure", "POST", {}),
    "ledger:completion-request": ("measure", "POST", {}),
    "ledger:completion-confirm": ("completion", "POST", {}),
    "ledger:completion-return": ("completion", "POST", {}),
    "ledger:progress-withdraw": ("progress", "POST", {}),
    "ledger:progress-correct": ("progress", "GET", {}),
    "ledger:evidence-download": ("evidence", "GET", {}),
    "ledger:round-list": (None, "GET", {}),
    "ledger:round-xlsx": (None, "GET", {}),
    "ledger:handover-add": (None, "GET", {}),
    "ledger:handover-list": (None, "GET", {}),
    "ledger:handover-detail": ("handover", "GET", {}),
    "ledger:accountability-list": ("problem", "GET", {}),
    "ledger:accountability-edit": ("accountability", "GET", {}),
    "ledger:accountability-delete": ("accountability", "POST", {}),
    "ledger:accountability-kinds": (None, "GET", {}),
    "ledger:extension-request": ("measure", "POST", {}),
    "ledger:extension-decide": ("extension", "POST", {}),
    "ledger:inspection-earlier": ("inspection", "GET", {}),
    "ledger:earlier-remove": ("earlier_link", "POST", {}),
    "oversight:recurrence-review": ("inspection", "GET", {}),
    "oversight:recurrence-confirm": ("inspection", "POST", {}),
    "oversight:recurrence-list": (None, "GET", {}),
    "oversight:recurrence-withdraw": ("recurrence", "POST", {}),
    "oversight:common-list": (None, "GET", {}),
    "oversight:common-confirm": (None, "POST", {}),
    "oversight:common-detail": ("common", "GET", {}),
    "oversight:common-rename": ("common", "POST", {}),
    "oversight:common-split": ("common", "POST", {}),
    "oversight:common-order": ("common", "POST", {}),
    "ledger:ledger-confirm": ("inspection", "POST", {}),
    "oversight:dashboard": (None, "GET", {}),
    "oversight:measure-list": (None, "GET", {}),
    "oversight:signoff-queue": (None, "GET", {}),
    "oversight:signoff-list": ("inspection", "GET", {}),
    "oversight:signoff-apply": ("problem", "GET", {}),
    "oversight:signoff-bulk": ("inspection", "POST", {}),
    "oversight:signoff-detail": ("signoff", "GET", {}),
    "oversight:signoff-approve": ("signoff", "POST", {}),
    "oversight:signoff-return": ("signoff", "POST", {}),
    "oversight:signoff-correct": ("signoff", "POST", {}),
    "oversight:order-list": (None, "GET", {}),
    "oversight:order-add": (None, "GET", {}),
    "oversight:order-detail": ("order", "GET", {}),
    "oversight:order-reply": ("order", "POST", {}),
    "oversight:order-docx": ("order", "GET", {}),
    "oversight:reply-file": ("reply_file", "GET", {}),
    "oversight:problem-orders": ("problem", "GET", {}),
    "oversight:document-list": ("inspection", "GET", {}),
    "oversight:document-add": ("inspection", "POST", {}),
    "oversight:document-detail": ("document", "GET", {}),
    "oversight:document-freeze": ("document", "POST", {}),
    "oversight:document-docx": ("document", "GET", {}),
    "oversight:report-file": ("inspection", "POST", {}),
    "oversight:report-correct": ("inspection", "POST", {}),
    "oversight:report-download": ("inspection", "GET", {}),
    "oversight:statistics": (None, "GET", {}),
    "oversight:statement-text": (None, "GET", {}),
    "oversight:statement-docx": (None, "GET", {}),
    "oversight:indicator-list": (None, "GET", {}),
    "oversight:indicator-apply": (None, "POST", {}),
    "oversight:evaluation-list": (None, "GET", {}),
    "oversight:evaluation-detail": ("evaluation", "GET", {}),
    "oversight:evaluation-indicator-add": ("evaluation", "POST", {}),
    "oversight:evaluation-thresholds": ("evaluation", "POST", {}),
    "oversight:evaluation-score": ("evaluation", "GET", {}),
    "oversight:evaluation-xlsx": ("evaluation", "GET", {}),
    "oversight:evaluation-docx": ("evaluation", "GET", {}),
    "oversight:quality": (None, "GET", {}),
    "oversight:flag-dismiss": (None, "POST", {}),
    "oversight:message-list": (None, "GET", {}),
    "oversight:message-open": ("message", "POST", {}),
    "oversight:message-read-all": (None, "POST", {}),
    "oversight:audit-list": (None, "GET", {}),
    "oversight:audit-event": ("event", "GET", {}),
    "oversight:audit-export": (None, "GET", {}),
    "oversight:audit-verify": (None, "GET", {}),
    "todo:home": (None, "GET", {}),
    "disclosure:notice-list": (None, "GET", {}),
    "disclosure:notice-detail": ("notice", "GET", {}),
    "disclosure:comment-add": ("notice", "POST", {}),
    "disclosure:satisfaction-vote": ("notice", "POST", {}),
    "disclosure:notice-comments": ("notice", "GET", {}),
    "disclosure:comment-list": (None, "GET", {}),
    "disclosure:comment-reply": ("comment", "POST", {}),
    "disclosure:comment-handle": ("comment", "POST", {}),
    "disclosure:notice-draft": ("inspection", "GET", {}),
    "disclosure:draft-sign": ("draft", "POST", {}),
    "disclosure:draft-return": ("draft", "POST", {}),
    "disclosure:draft-publish": ("signed_draft", "POST", {}),
    "disclosure:notice-export": ("inspection", "GET", {"fmt": "txt"}),
    "disclosure:notice-docx": ("notice", "GET", {}),
    "tokens:token-list": (None, "GET", {}),
    "tokens:token-revoke": ("token", "POST", {}),
}


# What each role gets: a status code, or "login" for a redirect to the login page.
def row(table: dict, **changes) -> dict:
    """A table keyed like conftest's (None for the visitor), as a matrix row.

    The visitor's 302 becomes "login": a redirect to the login page, not a success.
    """
    cells = {role or "anonymous": "login" if role is None else c for role, c in table.items()}
    return {**cells, **changes}


def every(cell) -> dict:
    return dict.fromkeys(ROLES, cell)


# The three administrators hold no membership: pages that need a role somewhere refuse.
ADMINS_REFUSED = dict.fromkeys(("simon", "sara", "audrey"), 403)


READ = row(READ_A)
EDIT = row(EDIT_A)
OFFICE = row(every(403), olivia=200)
# The organisation pages: the office and two administrators read them; each
# administrator acts only within their duty, the audit administrator not at all.
DIRECTORY = row(every(403), olivia=200, simon=200, sara=200)
SYSADMIN = row(every(403), simon=200)
SECADMIN = row(every(403), sara=200)
EXPECTED: dict[str, dict] = {
    "accounts:login": row(every(302), anonymous=200),
    "accounts:logout": row(every("login")),
    "accounts:password-change": row(every(200)),
    "accounts:lock-list": row(every(403), olivia=200, sara=200),  # UNLOCK
    "accounts:unit-list": DIRECTORY,
    "accounts:unit-add": SYSADMIN,
    "accounts:unit-detail": DIRECTORY,
    "accounts:unit-edit": SYSADMIN,
    # 版头 and 机关代字: the unit's editor and the office keep them.
    "accounts:letterhead-edit": row(EDIT_A, olivia=200),
    # Unit A has an active sub-unit: disabling it is refused with a message.
    "accounts:unit-active": row(every(403), simon=302),
    "accounts:membership-add": SECADMIN,  # an empty form: the unit's page with its errors
    "accounts:membership-edit": row(every(403), sara=302),
    "accounts:membership-delete": row(every(403), sara=302),
    "accounts:user-list": DIRECTORY,
    "accounts:user-add": SYSADMIN,
    "accounts:user-detail": DIRECTORY,
    "accounts:user-edit": SYSADMIN,
    "accounts:user-active": row(every(403), simon=302),
    "accounts:user-reset": row(every(403), olivia=302, sara=302),
    "accounts:one-time": row(every(200)),
    "accounts:policy": SECADMIN,
    "accounts:directory-import": DIRECTORY,
    "accounts:directory-preview": row(every(403), simon=404, sara=404),
    "accounts:directory-template": DIRECTORY,
    "accounts:directory-export": DIRECTORY,
    "disclosure:comment-add": row(every(400), anonymous=400),
    # No answer chosen: the notice again with a message.
    "disclosure:satisfaction-vote": row(every(400), anonymous=400),
    "disclosure:comment-list": row(every(200), bob=403, owen=403, **ADMINS_REFUSED),
    "disclosure:comment-reply": row(EDIT_A, alice=302, lena=302),
    "disclosure:comment-handle": row(EDIT_A, alice=302, lena=302),
    "disclosure:notice-comments": row(EDIT_A, lena=200, olivia=200),
    "disclosure:notice-detail": row(every(200), anonymous=200),
    "disclosure:notice-draft": row(EDIT_A, lena=200, olivia=200),
    "disclosure:draft-sign": row(EDIT_A, alice=403, lena=302, olivia=403),
    "disclosure:draft-return": row(EDIT_A, alice=403, lena=302, olivia=403),
    "disclosure:draft-publish": row(EDIT_A, alice=302, lena=302, olivia=403),
    "disclosure:notice-export": row(EDIT_A, lena=200, olivia=200),
    "disclosure:notice-docx": row(EDIT_A, lena=200, olivia=200),
    "disclosure:notice-list": row(every(200), anonymous=200),
    "ledger:evidence-download": READ,
    "ledger:home": row(every(200)),
    "ledger:handover-add": row(EDIT_A, carol=200, dave=200, olivia=200, **ADMINS_REFUSED),
    "ledger:handover-list": row(every(200)),
    "ledger:handover-detail": READ,
    # 问责: names read inside the unit and by the office; the unit's editor keeps them.
    "ledger:accountability-list": READ,
    "ledger:accountability-edit": EDIT,
    "ledger:accountability-delete": row(EDIT_A, alice=302),
    "ledger:accountability-kinds": OFFICE,
    # An empty body: a refusal with a message, on the measure's page.
    "ledger:extension-request": row(EDIT_A, alice=302, owen=302),
    # The office decides (the unit's leader only where the office delegates).
    "ledger:extension-decide": row(EDIT_A, alice=403, olivia=302),
    "ledger:ledger-confirm": row(EDIT_A, alice=403, olivia=302),
    # 回头看: the unit's editor or the office links earlier inspections; the office alone
    # finds 屡查屡犯 (an empty body: a refusal with a message) and withdraws it.
    "ledger:inspection-earlier": READ,
    "ledger:earlier-remove": row(EDIT_A, alice=302, olivia=302),
    "oversight:recurrence-review": READ,
    "oversight:recurrence-confirm": row(every(403), olivia=302),
    "oversight:recurrence-list": OFFICE,
    "oversight:recurrence-withdraw": row(every(403), olivia=302),
    # 共性问题 are the office's: an empty body is refused with a message on its page.
    "oversight:common-list": OFFICE,
    "oversight:common-confirm": row(every(403), olivia=302),
    "oversight:common-detail": OFFICE,
    "oversight:common-rename": row(every(403), olivia=302),
    "oversight:common-split": row(every(403), olivia=302),
    "oversight:common-order": row(every(403), olivia=302),
    "ledger:import": row(EDIT_A, carol=200, dave=200, olivia=200, **ADMINS_REFUSED),
    "ledger:import-preview": row(EDIT_A, alice=404, olivia=404, **ADMINS_REFUSED),
    "ledger:inspection-add": row(EDIT_A, carol=200, dave=200, olivia=200, **ADMINS_REFUSED),
    "ledger:inspection-detail": READ,
    "ledger:inspection-edit": EDIT,
    # Unit A's inspection has progress (delete refused) and a published notice (only
    # the office may void it; without a reason it is refused with a message).
    "ledger:inspection-delete": row(EDIT_A, alice=302),
    "ledger:inspection-void": row(EDIT_A, alice=403, olivia=302),
    "ledger:voided-list": row(every(200)),
    "ledger:inspection-xlsx": READ,
    "ledger:measure-add": EDIT,
    "ledger:completion-request": row(EDIT_A, alice=302, owen=302),
    "ledger:completion-confirm": row(EDIT_A, alice=302),
    "ledger:completion-return": row(EDIT_A, alice=302),
    "ledger:progress-withdraw": row(EDIT_A, alice=302, owen=302),
    "ledger:progress-correct": row(EDIT_A, owen=200),
    "ledger:measure-delete": row(EDIT_A, alice=302),
    "ledger:measure-detail": READ,
    # Anyone logged in may search; what is found is filtered by unit (tests/ledger/test_search).
    "ledger:search": row(every(200)),
    # Without measures chosen: back where the user came from, with a message.
    "ledger:measure-bulk": row(every(302)),
    "ledger:measure-edit": EDIT,
    "ledger:measure-move": row(EDIT_A, alice=302),
    "ledger:problem-add": EDIT,
    "ledger:problem-delete": row(EDIT_A, alice=302),
    "ledger:problem-edit": EDIT,
    "ledger:problem-move": row(EDIT_A, alice=302),
    "ledger:round-list": OFFICE,
    "ledger:round-xlsx": row(every(403), olivia=404),
    "oversight:dashboard": row(every(403), lena=200, olivia=200),
    "oversight:measure-list": row(every(403), lena=200, olivia=200),
    "oversight:signoff-queue": row(every(403), lena=200, olivia=200),
    "oversight:indicator-apply": row(every(403), olivia=302),
    "oversight:indicator-list": OFFICE,
    "oversight:message-list": row(every(200)),
    # A message is its recipient's alone.
    "oversight:message-open": row(every(404), alice=302),
    "oversight:message-read-all": row(every(302)),
    # The audit log: the office and the audit administrator (AUDIT), nobody else.
    "oversight:audit-list": row(every(403), olivia=200, audrey=200),
    "oversight:audit-event": row(every(403), olivia=200, audrey=200),
    "oversight:audit-export": row(every(403), olivia=200, audrey=200),
    "oversight:audit-verify": row(every(403), olivia=200, audrey=200),
    "todo:home": row(every(200)),
    "oversight:order-add": OFFICE,
    "oversight:order-detail": READ,
    "oversight:order-docx": READ,
    "oversight:reply-file": READ,
    "oversight:problem-orders": READ,
    "oversight:order-list": row(every(200)),
    "oversight:order-reply": row(EDIT_A, alice=400, lena=400),
    # The cycle's documents: readers of the unit read and download, its editor writes;
    # an empty POST goes back with a message (no kind, no date), freezing needs no body.
    "oversight:document-list": READ,
    "oversight:document-add": row(EDIT_A, alice=302),
    "oversight:document-detail": READ,
    "oversight:document-freeze": row(EDIT_A, alice=302),
    "oversight:document-docx": READ,
    "oversight:report-file": row(EDIT_A, alice=302),
    "oversight:report-correct": row(EDIT_A, alice=302),
    "oversight:report-download": READ,
    "oversight:signoff-apply": EDIT,
    # Without problems chosen: back to the sign-off list, with a message.
    "oversight:signoff-bulk": row(EDIT_A, alice=302),
    "oversight:signoff-approve": row(EDIT_A, alice=403, olivia=302),
    # The office registers a correction, the unit's editor asks for one.
    "oversight:signoff-correct": row(EDIT_A, alice=302, olivia=302),
    "oversight:signoff-detail": READ,
    "oversight:signoff-list": READ,
    "oversight:signoff-return": row(EDIT_A, alice=403, olivia=302),
    "oversight:statement-docx": OFFICE,
    "oversight:statement-text": OFFICE,
    "oversight:statistics": OFFICE,
    # 成效评估 and 整改质量: the office's alone. Empty bodies: the form again (400);
    # scoring without ?unit= and dismissing without a measure find nothing (404).
    "oversight:evaluation-list": OFFICE,
    "oversight:evaluation-detail": OFFICE,
    "oversight:evaluation-indicator-add": row(every(403), olivia=400),
    "oversight:evaluation-thresholds": row(every(403), olivia=400),
    "oversight:evaluation-score": row(every(403), olivia=404),
    "oversight:evaluation-xlsx": OFFICE,
    "oversight:evaluation-docx": OFFICE,
    "oversight:quality": OFFICE,
    "oversight:flag-dismiss": row(every(403), olivia=404),
    # API tokens: everyone keeps their own; another's token does not exist for them.
    "tokens:token-list": row(every(200)),
    "tokens:token-revoke": row(every(404), alice=302),
}


def test_it_has_a_row_for_every_url_pattern():
    names = {f"{ns}:{p.name}" for ns, p in url_patterns()}
    assert names - set(TARGETS) == set(), "new URL: add it to TARGETS and EXPECTED"
    assert set(TARGETS) - names == set()


def answer(client, world, name):
    obj, method, extra = TARGETS[name]
    kwargs = dict(extra)
    if obj:
        kwargs["pk"] = world[obj]
    url = reverse(name, kwargs=kwargs)
    return status_of(client.post(url, {}) if method == "POST" else client.get(url))


def status_of(response):
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login"
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_it_answers_each_role_as_the_matrix_says(name, role, world, login):
    assert answer(login(role), world, name) == EXPECTED[name][role or "anonymous"]


# --- writes: a valid body for every URL that accepts POST --------------------------


def accepts_post(callback) -> bool:
    """Whether a view reads a POST: a class view with `post`, or a function whose
    source (decorators included) names POST."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    return "POST" in inspect.getsource(inspect.unwrap(callback))


def test_it_has_a_valid_body_for_every_url_that_accepts_post():
    writes = {f"{ns}:{p.name}" for ns, p in url_patterns() if accepts_post(p.callback)}
    assert writes - set(WRITES) == set(), "new form: add a valid body to tests/write_bodies.py"
    assert set(WRITES) - writes == set()


DONE = (302, True)  # the write happened, then a redirect
# What each role gets for a valid body: a status code, with nothing written, or DONE.
WRITE_EXPECTED: dict[str, dict] = {
    "accounts:login": row(every(302), anonymous=DONE),
    "accounts:logout": row(every(("login", True))),
    "accounts:password-change": row(every(DONE)),
    "accounts:lock-list": row(every(403), olivia=DONE, sara=DONE),
    "accounts:unit-add": row(every(403), simon=DONE),
    "accounts:unit-edit": row(every(403), simon=DONE),
    "accounts:unit-active": row(every(403), simon=DONE),
    "accounts:letterhead-edit": row(EDIT_A, alice=DONE, olivia=DONE),
    "accounts:membership-add": row(every(403), sara=DONE),
    "accounts:membership-edit": row(every(403), sara=DONE),
    "accounts:membership-delete": row(every(403), sara=DONE),
    "accounts:user-add": row(every(403), simon=DONE),
    "accounts:user-edit": row(every(403), simon=DONE),
    "accounts:user-active": row(every(403), simon=DONE),
    "accounts:user-reset": row(every(403), olivia=DONE, sara=DONE),
    # Each administrator applies their part of the same sheet: accounts, then roles.
    "accounts:directory-import": row(every(403), simon=DONE, sara=DONE),
    "accounts:directory-preview": row(every(403), simon=DONE, sara=DONE),
    "disclosure:comment-add": row(every(DONE), anonymous=DONE),
    "disclosure:satisfaction-vote": row(every(DONE), anonymous=DONE),
    "disclosure:comment-reply": row(EDIT_A, alice=DONE, lena=DONE),
    "disclosure:comment-handle": row(EDIT_A, alice=DONE, lena=DONE),
    "disclosure:notice-draft": row(EDIT_A, alice=DONE),
    "disclosure:draft-sign": row(EDIT_A, alice=403, lena=DONE, olivia=403),
    "disclosure:draft-return": row(EDIT_A, alice=403, lena=DONE, olivia=403),
    "disclosure:draft-publish": row(EDIT_A, alice=DONE, lena=DONE, olivia=403),
    # Carol and dave may import and register inspections, but not of unit A: the upload
    # is theirs to make, the form refuses unit A.
    "ledger:import": row(EDIT_A, alice=DONE, carol=DONE, dave=DONE, olivia=DONE, **ADMINS_REFUSED),
    # Only people of units they keep: carol (A1) and dave (B) do not find owen.
    "ledger:handover-add": row(EDIT_A, alice=DONE, olivia=DONE, **ADMINS_REFUSED),
    "ledger:import-preview": row(
        EDIT_A, alice=DONE, carol=200, dave=200, olivia=DONE, **ADMINS_REFUSED
    ),
    "ledger:inspection-add": row(
        EDIT_A, alice=DONE, carol=200, dave=200, olivia=DONE, **ADMINS_REFUSED
    ),
    "ledger:inspection-edit": row(EDIT_A, alice=DONE),
    "ledger:inspection-delete": row(EDIT_A, alice=DONE),
    "ledger:inspection-void": row(EDIT_A, alice=DONE, olivia=DONE),
    "ledger:measure-add": row(EDIT_A, alice=DONE),
    "ledger:completion-request": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:accountability-list": row(EDIT_A, alice=DONE),
    "ledger:accountability-edit": row(EDIT_A, alice=DONE),
    "ledger:accountability-delete": row(EDIT_A, alice=DONE),
    "ledger:accountability-kinds": row(every(403), olivia=DONE),
    "ledger:extension-request": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:extension-decide": row(EDIT_A, alice=403, olivia=DONE),
    "ledger:ledger-confirm": row(EDIT_A, alice=403, olivia=DONE),
    "ledger:inspection-earlier": row(EDIT_A, alice=DONE, olivia=DONE),
    "ledger:earlier-remove": row(EDIT_A, alice=DONE, olivia=DONE),
    "oversight:recurrence-confirm": row(every(403), olivia=DONE),
    "oversight:recurrence-withdraw": row(every(403), olivia=DONE),
    "oversight:common-confirm": row(every(403), olivia=DONE),
    "oversight:common-rename": row(every(403), olivia=DONE),
    "oversight:common-split": row(every(403), olivia=DONE),
    "oversight:common-order": row(every(403), olivia=DONE),
    "ledger:completion-confirm": row(EDIT_A, alice=DONE),
    "ledger:completion-return": row(EDIT_A, alice=DONE),
    "ledger:progress-withdraw": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:progress-correct": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:measure-delete": row(EDIT_A, alice=DONE),
    "ledger:measure-detail": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:measure-edit": row(EDIT_A, alice=DONE),
    "ledger:measure-bulk": row(EDIT_A, alice=DONE),
    "ledger:measure-move": row(EDIT_A, alice=DONE),
    "ledger:problem-add": row(EDIT_A, alice=DONE),
    "ledger:problem-delete": row(EDIT_A, alice=DONE),
    "ledger:problem-edit": row(EDIT_A, alice=DONE),
    "ledger:problem-move": row(EDIT_A, alice=DONE),
    "oversight:indicator-apply": row(every(403), olivia=DONE),
    "oversight:indicator-list": row(every(403), olivia=DONE),
    "oversight:evaluation-list": row(every(403), olivia=DONE),
    "oversight:evaluation-indicator-add": row(every(403), olivia=DONE),
    "oversight:evaluation-thresholds": row(every(403), olivia=DONE),
    "oversight:evaluation-score": row(every(403), olivia=DONE),
    "oversight:flag-dismiss": row(every(403), olivia=DONE),
    "oversight:message-open": row(every(404), alice=DONE),
    # Those with unread messages mark them read; the others have nothing to mark.
    "oversight:message-read-all": row(every(302), alice=DONE, lena=DONE, olivia=DONE),
    "oversight:order-add": row(every(403), olivia=DONE),
    "oversight:order-reply": row(EDIT_A, alice=DONE, lena=DONE),
    "oversight:document-add": row(EDIT_A, alice=DONE),
    "oversight:document-detail": row(EDIT_A, alice=DONE),
    "oversight:document-freeze": row(EDIT_A, alice=DONE),
    "oversight:report-file": row(EDIT_A, alice=DONE),
    "oversight:report-correct": row(EDIT_A, alice=DONE),
    "oversight:signoff-apply": row(EDIT_A, alice=DONE),
    "oversight:signoff-bulk": row(EDIT_A, alice=DONE),
    "oversight:signoff-approve": row(EDIT_A, alice=403, olivia=DONE),
    "oversight:signoff-correct": row(EDIT_A, alice=DONE, olivia=DONE),
    "oversight:signoff-return": row(EDIT_A, alice=403, olivia=DONE),
    # The new token is shown once, on the page itself: no redirect.
    "tokens:token-list": row(every((200, True))),
    "tokens:token-revoke": row(every(404), alice=DONE),
}


def test_it_has_a_write_row_for_every_valid_body():
    assert set(WRITE_EXPECTED) == set(WRITES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(WRITES))
def test_it_writes_for_the_roles_the_matrix_allows_and_only_for_them(
    name, role, write_world, client, cast
):
    if role:
        client.force_login(cast[role])
    write = WRITES[name]
    kwargs = write.prepare(write_world, client) if write.prepare else {}
    if write.target:
        kwargs["pk"] = write_world[write.target]
    before, changes = state(client), write.changes(write_world, client)
    response = client.post(reverse(name, kwargs=kwargs), write.body(write_world))
    cell = WRITE_EXPECTED[name][role or "anonymous"]
    status, wrote = cell if isinstance(cell, tuple) else (cell, False)
    assert status_of(response) == status
    if wrote:
        assert write.changes(write_world, client) != changes, "allowed, but nothing was written"
    else:
        assert state(client) == before


# --- the reproductions of issue 10 -------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_to_move_an_inspection_to_a_unit_its_editor_only_reads(
    ledger_a, units, client, django_user_model
):
    eve = django_user_model.objects.create_user("eve")
    Membership.objects.create(user=eve, unit=units["A"], role=Role.EDITOR)
    Membership.objects.create(user=eve, unit=units["B"], role=Role.VIEWER)
    client.force_login(eve)
    body = form_data(InspectionForm(instance=ledger_a, units=Unit.objects.all()))
    url = reverse("ledger:inspection-edit", args=[ledger_a.pk])
    response = client.post(url, {**body, "unit": units["B"].pk})
    assert response.status_code in (200, 403)
    ledger_a.refresh_from_db()
    assert ledger_a.unit == units["A"]


@pytest.mark.django_db
def test_it_lets_an_editor_register_an_inspection_in_a_covered_sub_unit(cast, units, client):
    client.force_login(cast["alice"])
    url = reverse("ledger:inspection-add")
    assert units["A1"] in client.get(url).context["form"].fields["unit"].queryset
    response = client.post(url, new_inspection(units["A1"].pk))
    assert response.status_code == 302
    assert Inspection.objects.filter(unit=units["A1"]).exists()
