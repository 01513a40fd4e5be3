"""The access matrices: every URL and API route for every role (test_access_matrix.py,
test_api_matrix.py).

A matrix has thousands of cells. Its world (tests/matrix/worlds.py) is built once per
module, in an outer transaction each cell's own transaction nests in (tests/conftest.py
module_transaction): every cell still starts from the same world, and a POST in one cell
cannot change another. A module's read cells run before its write cells: once the write
world is built it stays until the module ends.
"""

from types import SimpleNamespace

import pytest
from django.test import override_settings

from tests.conftest import isolated_settings, make_cast, make_ledger, make_units, module_transaction
from tests.matrix.worlds import build_world, build_write_world


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The units, the cast, unit A's ledger and the read world, built once per module."""
    folder = tmp_path_factory.mktemp("matrix")
    with override_settings(**isolated_settings(folder)), module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            units = make_units()
            cast = make_cast(units)
            ledger_a = make_ledger(units["A"], owner=cast["owen"])
            world = build_world(ledger_a, cast)
        state = SimpleNamespace(
            folder=folder, units=units, cast=cast, ledger_a=ledger_a, world=world, writes=None
        )
        yield state


@pytest.fixture(scope="module")
def matrix_writes(matrix, django_db_blocker):
    """The write world, on top of the read world, until the module ends."""
    with override_settings(**isolated_settings(matrix.folder)):
        with module_transaction(django_db_blocker):
            with django_db_blocker.unblock():
                matrix.writes = build_write_world(
                    matrix.world, matrix.ledger_a, matrix.units, matrix.cast
                )
            yield matrix.writes
            matrix.writes = None


@pytest.fixture(autouse=True)
def _evidence_in_tmp(matrix, settings, tmp_path):
    """The module's evidence and anchors (the world's files are there); the cell's own
    folder for uploads waiting for their preview, which no transaction takes back."""
    for name, value in isolated_settings(matrix.folder).items():
        setattr(settings, name, value)
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def units(matrix, db):
    return matrix.units


@pytest.fixture
def cast(matrix, db):
    return matrix.cast


@pytest.fixture
def ledger_a(matrix, db):
    return matrix.ledger_a


@pytest.fixture
def world(matrix, db):
    assert matrix.writes is None, "a read cell after the write world was built: reads first"
    return matrix.world


@pytest.fixture
def write_world(matrix_writes, db):
    return matrix_writes
