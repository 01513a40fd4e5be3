"""The fixed cast of the suite.

alice edits unit A, bob reads unit A, carol edits sub-unit A1 of A, dave edits unit B
and sees nothing of A, owen answers for measures of A, lena leads A, olivia works in
the inspection office and sees every unit.
"""

import datetime as dt

import pytest

from zhenggai.accounts.models import Membership, Unit
from zhenggai.ledger.models import Inspection, Measure, Problem

Role = Membership.Role
PASSWORD = "cast-password-2026"

# Who may read unit A's pages (200), whom they do not exist for (404), and a visitor
# sent to log in (302); and who may change them (only alice, its editor).
READ_A = {
    "alice": 200,
    "bob": 200,
    "owen": 200,
    "lena": 200,
    "olivia": 200,
    "carol": 404,
    "dave": 404,
    None: 302,
}
EDIT_A = {
    "alice": 200,
    "bob": 403,
    "owen": 403,
    "lena": 403,
    "olivia": 403,
    "carol": 404,
    "dave": 404,
    None: 302,
}


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    # The real hasher costs a third of a second per password by design; the cast
    # logs in thousands of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(db):
    office = Unit.objects.create(name="巡察办", full_name="中共测试区委巡察办")
    a = Unit.objects.create(
        name="甲单位",
        full_name="中共测试区甲单位党组",
        phone="0571-12345678",
        address="测试区和平路1号",
    )
    a1 = Unit.objects.create(name="甲单位下属站", parent=a)
    b = Unit.objects.create(name="乙单位", full_name="中共测试区乙单位党组")
    return {"office": office, "A": a, "A1": a1, "B": b}


CAST = {
    "alice": ("A", Role.EDITOR, True),
    "bob": ("A", Role.VIEWER, False),
    "carol": ("A1", Role.EDITOR, False),
    "dave": ("B", Role.EDITOR, False),
    "owen": ("A", Role.OWNER, False),
    "lena": ("A", Role.LEADER, True),
    "olivia": ("office", Role.OFFICE, True),
}


@pytest.fixture
def cast(units, django_user_model):
    users = {}
    for name, (unit, role, covers) in CAST.items():
        user = django_user_model.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, unit=units[unit], role=role, covers_subunits=covers)
        users[name] = user
    return users


def make_ledger(
    unit, *, categories=2, problems=2, measures=2, owner=None, feedback=dt.date(2026, 3, 1)
) -> Inspection:
    """An inspection with categories × problems × measures, written directly."""
    inspection = Inspection.objects.create(
        unit=unit, round="一届区委第一轮巡察", group="区委第一巡察组", feedback_date=feedback
    )
    for c in range(categories):
        category = Problem.objects.create(
            inspection=inspection, position=c + 1, title=f"类别问题{c + 1}"
        )
        for p in range(problems):
            problem = Problem.objects.create(
                inspection=inspection,
                parent=category,
                position=p + 1,
                title=f"具体问题{c + 1}-{p + 1}",
            )
            Measure.objects.bulk_create(
                Measure(
                    problem=problem,
                    position=m + 1,
                    text=f"措施{c}-{p}-{m}",
                    owner_user=owner,
                    due=feedback + dt.timedelta(days=30 + m),
                    status=[Measure.Status.PLANNED, Measure.Status.DONE][m % 2],
                )
                for m in range(measures)
            )
    return inspection


@pytest.fixture
def ledger_a(cast, units):
    return make_ledger(units["A"], owner=cast["owen"])


@pytest.fixture
def ledger_b(cast, units):
    return make_ledger(units["B"])


@pytest.fixture
def login(client):
    def as_user(name):
        if name is None:
            client.logout()
        else:
            assert client.login(username=name, password=PASSWORD)
        return client

    return as_user
