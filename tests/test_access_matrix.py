"""Every URL of the project, for every role of the cast, an outsider and a visitor.

A URL pattern without a row here fails the test: a new page must say who may see it.
A URL that accepts POST also needs a valid body (tests/write_bodies.py), sent by every
role: a refused role must leave every table as it was, an allowed one must really write.
Each cell runs on a fresh world, so a POST in one cell cannot change another.
"""

import datetime as dt
import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from tests.conftest import EDIT_A, READ_A, make_ledger
from tests.write_bodies import WRITES, form_data, new_inspection, pdf, state
from zhenggai.accounts.models import Membership, Unit
from zhenggai.disclosure import services as disclosure
from zhenggai.ledger import services as ledger
from zhenggai.ledger.forms import InspectionForm
from zhenggai.ledger.models import Completion, Figure, Inspection, Measure, Problem
from zhenggai.oversight import services as oversight

Role = Membership.Role
ROLES = ["alice", "bob", "carol", "dave", "owen", "lena", "olivia", None]


def url_patterns():
    """(namespace, pattern) for every URL pattern but the admin's."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            else:
                yield namespace, pattern

    return list(walk(get_resolver().url_patterns, None))


@pytest.fixture
def world(ledger_a, cast, settings, tmp_path):
    """One of each object in unit A, made through the services as users would."""
    settings.DATA_DIR = tmp_path / "data"  # uploads waiting for their preview
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    measures = list(problem.measures.all())
    for measure in measures:
        ledger.report_progress(
            measure,
            actor=cast["owen"],
            text="进展",
            reported_on=dt.date(2026, 3, 5),
            files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1")],
        )
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.DONE)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    completion = Completion.objects.create(measure=measures[0], requested_by=cast["owen"])
    order = oversight.issue_order(
        actor=cast["olivia"],
        unit=ledger_a.unit,
        problems=[problem],
        level="notice",
        due=dt.date(2026, 12, 31),
        text="请抓紧整改。",
    )
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    comment = disclosure.add_comment(notice, actor=None, content="意见")
    draft = disclosure.submit_draft(ledger_a, actor=cast["alice"], text="标题\n二", note="更正")
    signed = disclosure.submit_draft(
        ledger_a, actor=cast["alice"], text="标题", audience="internal"
    )
    disclosure.sign_draft(signed, actor=cast["lena"])
    return {
        "inspection": ledger_a.pk,
        "problem": problem.pk,
        "measure": measures[0].pk,
        "evidence": measures[0].progress.get().evidence.get().pk,
        "progress": measures[0].progress.get().pk,
        "completion": completion.pk,
        "signoff": signoff.pk,
        "order": order.pk,
        "notice": notice.pk,
        "comment": comment.pk,
        "draft": draft.pk,  # submitted, waiting to be signed
        "signed_draft": signed.pk,
    }


# url name -> (object whose pk the URL takes, method, extra kwargs)
TARGETS = {
    "accounts:login": (None, "GET", {}),
    "accounts:logout": (None, "POST", {}),
    "accounts:password-change": (None, "GET", {}),
    "accounts:lock-list": (None, "GET", {}),
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
    "oversight:dashboard": (None, "GET", {}),
    "oversight:signoff-list": ("inspection", "GET", {}),
    "oversight:signoff-apply": ("problem", "GET", {}),
    "oversight:signoff-detail": ("signoff", "GET", {}),
    "oversight:signoff-approve": ("signoff", "POST", {}),
    "oversight:signoff-return": ("signoff", "POST", {}),
    "oversight:signoff-correct": ("signoff", "POST", {}),
    "oversight:order-list": (None, "GET", {}),
    "oversight:order-add": (None, "GET", {}),
    "oversight:order-detail": ("order", "GET", {}),
    "oversight:order-reply": ("order", "POST", {}),
    "oversight:order-docx": ("order", "GET", {}),
    "oversight:statistics": (None, "GET", {}),
    "oversight:statement-text": (None, "GET", {}),
    "oversight:statement-docx": (None, "GET", {}),
    "oversight:indicator-list": (None, "GET", {}),
    "oversight:indicator-apply": (None, "POST", {}),
    "disclosure:notice-list": (None, "GET", {}),
    "disclosure:notice-detail": ("notice", "GET", {}),
    "disclosure:comment-add": ("notice", "POST", {}),
    "disclosure:notice-comments": ("notice", "GET", {}),
    "disclosure:comment-list": (None, "GET", {}),
    "disclosure:comment-reply": ("comment", "POST", {}),
    "disclosure:comment-handle": ("comment", "POST", {}),
    "disclosure:notice-draft": ("inspection", "GET", {}),
    "disclosure:draft-sign": ("draft", "POST", {}),
    "disclosure:draft-return": ("draft", "POST", {}),
    "disclosure:draft-publish": ("signed_draft", "POST", {}),
    "disclosure:notice-export": ("inspection", "GET", {"fmt": "txt"}),
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


READ = row(READ_A)
EDIT = row(EDIT_A)
OFFICE = row(every(403), olivia=200)
EXPECTED: dict[str, dict] = {
    "accounts:login": row(every(302), anonymous=200),
    "accounts:logout": row(every("login")),
    "accounts:password-change": row(every(200)),
    "accounts:lock-list": OFFICE,
    "disclosure:comment-add": row(every(400), anonymous=400),
    "disclosure:comment-list": row(every(200), bob=403, owen=403),
    "disclosure:comment-reply": row(EDIT_A, alice=302, lena=302),
    "disclosure:comment-handle": row(EDIT_A, alice=302, lena=302),
    "disclosure:notice-comments": row(EDIT_A, lena=200, olivia=200),
    "disclosure:notice-detail": row(every(200), anonymous=200),
    "disclosure:notice-draft": row(EDIT_A, lena=200, olivia=200),
    "disclosure:draft-sign": row(EDIT_A, alice=403, lena=302, olivia=302),
    "disclosure:draft-return": row(EDIT_A, alice=403, lena=302, olivia=302),
    "disclosure:draft-publish": row(EDIT_A, alice=302, lena=302, olivia=302),
    "disclosure:notice-export": EDIT,
    "disclosure:notice-list": row(every(200), anonymous=200),
    "ledger:evidence-download": READ,
    "ledger:home": row(every(200)),
    "ledger:import": row(EDIT_A, carol=200, dave=200, olivia=200),
    "ledger:import-preview": row(EDIT_A, alice=404, olivia=404),
    "ledger:inspection-add": row(EDIT_A, carol=200, dave=200, olivia=200),
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
    "ledger:measure-edit": EDIT,
    "ledger:measure-move": row(EDIT_A, alice=302),
    "ledger:problem-add": EDIT,
    "ledger:problem-delete": row(EDIT_A, alice=302),
    "ledger:problem-edit": EDIT,
    "ledger:problem-move": row(EDIT_A, alice=302),
    "ledger:round-list": OFFICE,
    "ledger:round-xlsx": row(every(403), olivia=404),
    "oversight:dashboard": row(every(403), lena=200, olivia=200),
    "oversight:indicator-apply": row(every(403), olivia=302),
    "oversight:indicator-list": OFFICE,
    "oversight:order-add": OFFICE,
    "oversight:order-detail": READ,
    "oversight:order-docx": READ,
    "oversight:order-list": row(every(200)),
    "oversight:order-reply": row(EDIT_A, alice=400, lena=400),
    "oversight:signoff-apply": EDIT,
    "oversight:signoff-approve": row(EDIT_A, alice=403, olivia=302),
    # The office registers a correction, the unit's editor asks for one.
    "oversight:signoff-correct": row(EDIT_A, alice=302, olivia=302),
    "oversight:signoff-detail": READ,
    "oversight:signoff-list": READ,
    "oversight:signoff-return": row(EDIT_A, alice=403, olivia=302),
    "oversight:statement-docx": OFFICE,
    "oversight:statement-text": OFFICE,
    "oversight:statistics": OFFICE,
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


@pytest.fixture
def write_world(world, ledger_a, units, cast):
    """The world, and for each write an object it can succeed on."""
    problems = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)
    place = {(p.parent.position, p.position): p for p in problems.select_related("parent")}
    spare, reported, finished = place[1, 2], place[2, 1], place[2, 2]
    open_measure = reported.measures.first()
    asked_measure = Measure.objects.create(
        problem=reported, position=9, text="待确认的措施", owner_user=cast["owen"]
    )
    own_report = ledger.report_progress(
        open_measure,
        actor=cast["owen"],
        text="召开专题民主生活会1次",
        reported_on=dt.date(2026, 4, 1),
        figures=[(1, "次", "召开专题民主生活会")],
        files=[pdf()],
    )
    ledger.report_progress(
        asked_measure,
        actor=cast["owen"],
        text="已修订制度",
        reported_on=dt.date(2026, 4, 1),
        files=[pdf()],
    )
    asked = ledger.request_completion(asked_measure, actor=cast["owen"])
    # As if the rules changed after the report: applying them has work to do.
    Figure.objects.update(indicator="")
    Measure.objects.filter(problem=finished).update(status=Measure.Status.DONE)
    closed = Problem.objects.create(
        inspection=ledger_a, parent=reported.parent, position=3, title="已销号的问题"
    )
    Measure.objects.create(problem=closed, position=1, text="措施", status=Measure.Status.DONE)
    applied = oversight.apply_signoff(closed, actor=cast["alice"])
    approved = oversight.approve_signoff(applied, actor=cast["olivia"])
    return {
        **world,
        **{name: unit.pk for name, unit in units.items()},
        "category": spare.parent_id,
        "spare_problem": spare.pk,  # no progress: it may be deleted
        "spare_measure": spare.measures.first().pk,
        "open_measure": open_measure.pk,  # evidence, not yet done
        "own_report": own_report.pk,  # owen's, on the open measure
        "asked": asked.pk,  # a completion waiting for the unit's confirmation
        # Registered by mistake: nothing reported, nothing published.
        "spare_inspection": make_ledger(units["A"], categories=1, problems=1, measures=1).pk,
        "finished_problem": finished.pk,  # every measure done, no application yet
        "approved_signoff": approved.pk,
    }


DONE = (302, True)  # the write happened, then a redirect
# What each role gets for a valid body: a status code, with nothing written, or DONE.
WRITE_EXPECTED: dict[str, dict] = {
    "accounts:login": row(every(302), anonymous=DONE),
    "accounts:logout": row(every(("login", True))),
    "accounts:password-change": row(every(DONE)),
    "accounts:lock-list": row(every(403), olivia=DONE),
    "disclosure:comment-add": row(every(DONE), anonymous=DONE),
    "disclosure:comment-reply": row(EDIT_A, alice=DONE, lena=DONE),
    "disclosure:comment-handle": row(EDIT_A, alice=DONE, lena=DONE),
    "disclosure:notice-draft": row(EDIT_A, alice=DONE),
    "disclosure:draft-sign": row(EDIT_A, alice=403, lena=DONE, olivia=DONE),
    "disclosure:draft-return": row(EDIT_A, alice=403, lena=DONE, olivia=DONE),
    "disclosure:draft-publish": row(EDIT_A, alice=DONE, lena=DONE, olivia=DONE),
    # Carol and dave may import and register inspections, but not of unit A: the upload
    # is theirs to make, the form refuses unit A.
    "ledger:import": row(EDIT_A, alice=DONE, carol=DONE, dave=DONE, olivia=DONE),
    "ledger:import-preview": row(EDIT_A, alice=DONE, carol=200, dave=200, olivia=DONE),
    "ledger:inspection-add": row(EDIT_A, alice=DONE, carol=200, dave=200, olivia=DONE),
    "ledger:inspection-edit": row(EDIT_A, alice=DONE),
    "ledger:inspection-delete": row(EDIT_A, alice=DONE),
    "ledger:inspection-void": row(EDIT_A, alice=DONE, olivia=DONE),
    "ledger:measure-add": row(EDIT_A, alice=DONE),
    "ledger:completion-request": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:completion-confirm": row(EDIT_A, alice=DONE),
    "ledger:completion-return": row(EDIT_A, alice=DONE),
    "ledger:progress-withdraw": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:progress-correct": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:measure-delete": row(EDIT_A, alice=DONE),
    "ledger:measure-detail": row(EDIT_A, alice=DONE, owen=DONE),
    "ledger:measure-edit": row(EDIT_A, alice=DONE),
    "ledger:measure-move": row(EDIT_A, alice=DONE),
    "ledger:problem-add": row(EDIT_A, alice=DONE),
    "ledger:problem-delete": row(EDIT_A, alice=DONE),
    "ledger:problem-edit": row(EDIT_A, alice=DONE),
    "ledger:problem-move": row(EDIT_A, alice=DONE),
    "oversight:indicator-apply": row(every(403), olivia=DONE),
    "oversight:indicator-list": row(every(403), olivia=DONE),
    "oversight:order-add": row(every(403), olivia=DONE),
    "oversight:order-reply": row(EDIT_A, alice=DONE, lena=DONE),
    "oversight:signoff-apply": row(EDIT_A, alice=DONE),
    "oversight:signoff-approve": row(EDIT_A, alice=403, olivia=DONE),
    "oversight:signoff-correct": row(EDIT_A, alice=DONE, olivia=DONE),
    "oversight:signoff-return": row(EDIT_A, alice=403, olivia=DONE),
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
