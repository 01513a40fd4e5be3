"""Every URL of the project, for every role of the cast, an outsider and a visitor.

A URL pattern without a row here fails the test: a new page must say who may see it.
Each cell runs on a fresh world, so a POST in one cell cannot change another.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse

from zhenggai.disclosure import services as disclosure
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import services as oversight

ROLES = ["alice", "bob", "carol", "dave", "owen", "lena", "olivia", None]


def url_names():
    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            else:
                yield f"{namespace}:{pattern.name}", pattern.pattern.converters

    return sorted(walk(get_resolver().url_patterns, None))


@pytest.fixture
def world(ledger_a, cast):
    """One of each object in unit A, made through the services as users would."""
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
    return {
        "inspection": ledger_a.pk,
        "problem": problem.pk,
        "measure": measures[0].pk,
        "evidence": measures[0].progress.get().evidence.get().pk,
        "signoff": signoff.pk,
        "order": order.pk,
        "notice": notice.pk,
        "comment": comment.pk,
    }


# url name -> (object whose pk the URL takes, method, extra kwargs)
TARGETS = {
    "accounts:login": (None, "GET", {}),
    "accounts:logout": (None, "POST", {}),
    "ledger:home": (None, "GET", {}),
    "ledger:import": (None, "GET", {}),
    "ledger:import-preview": (None, "GET", {"token": "0" * 32}),
    "ledger:inspection-add": (None, "GET", {}),
    "ledger:inspection-detail": ("inspection", "GET", {}),
    "ledger:inspection-edit": ("inspection", "GET", {}),
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
    "ledger:measure-complete": ("measure", "POST", {}),
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
    "disclosure:notice-draft": ("inspection", "GET", {}),
    "disclosure:notice-export": ("inspection", "GET", {"fmt": "txt"}),
}

# What each role gets: a status code, or "login" for a redirect to the login page.
EXPECTED: dict[str, dict] = {
    "accounts:login": {
        "alice": 302,
        "bob": 302,
        "carol": 302,
        "dave": 302,
        "owen": 302,
        "lena": 302,
        "olivia": 302,
        "anonymous": 200,
    },
    "accounts:logout": {
        "alice": "login",
        "bob": "login",
        "carol": "login",
        "dave": "login",
        "owen": "login",
        "lena": "login",
        "olivia": "login",
        "anonymous": "login",
    },
    "disclosure:comment-add": {
        "alice": 400,
        "bob": 400,
        "carol": 400,
        "dave": 400,
        "owen": 400,
        "lena": 400,
        "olivia": 400,
        "anonymous": 400,
    },
    "disclosure:comment-list": {
        "alice": 200,
        "bob": 403,
        "carol": 200,
        "dave": 200,
        "owen": 403,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "disclosure:comment-reply": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 302,
        "olivia": 403,
        "anonymous": "login",
    },
    "disclosure:notice-comments": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "disclosure:notice-detail": {
        "alice": 200,
        "bob": 200,
        "carol": 200,
        "dave": 200,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": 200,
    },
    "disclosure:notice-draft": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "disclosure:notice-export": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "disclosure:notice-list": {
        "alice": 200,
        "bob": 200,
        "carol": 200,
        "dave": 200,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": 200,
    },
    "ledger:evidence-download": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:home": {
        "alice": 200,
        "bob": 200,
        "carol": 200,
        "dave": 200,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:import": {
        "alice": 200,
        "bob": 403,
        "carol": 200,
        "dave": 200,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:import-preview": {
        "alice": 404,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 404,
        "anonymous": "login",
    },
    "ledger:inspection-add": {
        "alice": 200,
        "bob": 403,
        "carol": 200,
        "dave": 200,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:inspection-detail": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:inspection-edit": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:inspection-xlsx": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:measure-add": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:measure-complete": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 302,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:measure-delete": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:measure-detail": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:measure-edit": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:measure-move": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:problem-add": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:problem-delete": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:problem-edit": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:problem-move": {
        "alice": 302,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "ledger:round-list": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "ledger:round-xlsx": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 404,
        "anonymous": "login",
    },
    "oversight:dashboard": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:indicator-apply": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 302,
        "anonymous": "login",
    },
    "oversight:indicator-list": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:order-add": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:order-detail": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:order-docx": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:order-list": {
        "alice": 200,
        "bob": 200,
        "carol": 200,
        "dave": 200,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:order-reply": {
        "alice": 400,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 400,
        "olivia": 403,
        "anonymous": "login",
    },
    "oversight:signoff-apply": {
        "alice": 200,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 403,
        "anonymous": "login",
    },
    "oversight:signoff-approve": {
        "alice": 403,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 302,
        "anonymous": "login",
    },
    "oversight:signoff-correct": {
        "alice": 403,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 302,
        "anonymous": "login",
    },
    "oversight:signoff-detail": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:signoff-list": {
        "alice": 200,
        "bob": 200,
        "carol": 404,
        "dave": 404,
        "owen": 200,
        "lena": 200,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:signoff-return": {
        "alice": 403,
        "bob": 403,
        "carol": 404,
        "dave": 404,
        "owen": 403,
        "lena": 403,
        "olivia": 302,
        "anonymous": "login",
    },
    "oversight:statement-docx": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:statement-text": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
    "oversight:statistics": {
        "alice": 403,
        "bob": 403,
        "carol": 403,
        "dave": 403,
        "owen": 403,
        "lena": 403,
        "olivia": 200,
        "anonymous": "login",
    },
}


def test_it_has_a_row_for_every_url_pattern():
    names = {name for name, _ in url_names()}
    assert names - set(TARGETS) == set(), "new URL: add it to TARGETS and EXPECTED"
    assert set(TARGETS) - names == set()


def answer(client, world, name):
    obj, method, extra = TARGETS[name]
    kwargs = dict(extra)
    if obj:
        kwargs["pk"] = world[obj]
    url = reverse(name, kwargs=kwargs)
    response = client.post(url, {}) if method == "POST" else client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login"
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_it_answers_each_role_as_the_matrix_says(name, role, world, login):
    assert answer(login(role), world, name) == EXPECTED[name][role or "anonymous"]
