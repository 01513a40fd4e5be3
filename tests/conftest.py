"""The fixed cast of the suite.

alice edits unit A, bob reads unit A, carol edits sub-unit A1 of A, dave edits unit B
and sees nothing of A, owen answers for measures of A, lena leads A, olivia works in
the inspection office and sees every unit. The three administrators (三员) hold no
membership: simon keeps units and accounts, sara roles and unlocks, audrey reads the
audit log; none of them sees a ledger.
"""

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis.configuration import set_hypothesis_home_dir

from zhenggai.accounts.models import Membership, Profile, Unit
from zhenggai.ledger.counts import keep
from zhenggai.ledger.models import Inspection, Measure, Problem

Role = Membership.Role
PASSWORD = "cast-password-2026"

# Hypothesis keeps its examples and caches in the test run's data folder
# (settings.data_dir), not in a .hypothesis folder of the working tree.
set_hypothesis_home_dir(Path(os.environ["ZHENGGAI_DATA"]) / "hypothesis")

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
    "simon": 404,
    "sara": 404,
    "audrey": 404,
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
    "simon": 404,
    "sara": 404,
    "audrey": 404,
    None: 302,
}


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    # Evidence and anchors in the test's own folder: anchors written by one test (a
    # backup writes one) must not judge another's chain. The real hasher costs a third
    # of a second per password by design; the cast logs in thousands of times.
    for name, value in isolated_settings(tmp_path).items():
        setattr(settings, name, value)


@contextmanager
def module_transaction(django_db_blocker):
    """Data built once for a module of many tests: an outer transaction that each test's
    own transaction nests in (a savepoint, rolled back after the test), itself rolled
    back after the module. Settings the data needs must stay as they were built."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def isolated_settings(folder: Path) -> dict:
    """The settings _evidence_in_tmp gives a test, for data built outside any test."""
    return {
        "MEDIA_ROOT": folder / "evidence",
        "AUDIT_ANCHOR_FILE": folder / "audit_anchors",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


def make_units() -> dict[str, Unit]:
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


@pytest.fixture
def units(db):
    return make_units()


CAST = {
    "alice": ("A", Role.EDITOR, True),
    "bob": ("A", Role.VIEWER, False),
    "carol": ("A1", Role.EDITOR, False),
    "dave": ("B", Role.EDITOR, False),
    "owen": ("A", Role.OWNER, False),
    "lena": ("A", Role.LEADER, True),
    "olivia": ("office", Role.OFFICE, True),
}
ADMINS = {
    "simon": Profile.Duty.SYSADMIN,
    "sara": Profile.Duty.SECADMIN,
    "audrey": Profile.Duty.AUDITOR,
}


def make_cast(units: dict[str, Unit]) -> dict:
    """The cast's users, with their memberships and the administrators' duties."""
    user_model = get_user_model()
    users = {}
    for name, (unit, role, covers) in CAST.items():
        user = user_model.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, unit=units[unit], role=role, covers_subunits=covers)
        users[name] = user
    for name, duty in ADMINS.items():
        users[name] = user_model.objects.create_user(name, password=PASSWORD)
        Profile.objects.update_or_create(user=users[name], defaults={"duty": duty})
    return users


@pytest.fixture
def cast(units, db):
    return make_cast(units)


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
    keep([inspection.pk])  # written in bulk, as an import writes: the dashboard's counts
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
