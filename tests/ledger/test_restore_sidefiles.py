"""`zhenggai restore` says 已恢复 only over a clean data folder and a sound database."""

import sqlite3
import zipfile
from contextlib import closing

import pytest

from tests.ledger.test_backup import environment, zhenggai

DB = "zhenggai.sqlite3"


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """A backup of a migrated SQLite data folder."""
    folder = tmp_path_factory.mktemp("restore")
    source = environment(folder / "source")
    zhenggai(source, "manage", "migrate", "--verbosity", "0")
    zhenggai(source, "backup", str(folder / "b.zip"))
    return folder / "b.zip"


def stale_wal(folder) -> bytes:
    """The write-ahead log of another database, left behind with its writes uncheckpointed."""
    other = folder / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [("行" * 200,)] * 500)
        db.commit()
        return (folder / "other.sqlite3-wal").read_bytes()


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_it_refuses_a_data_folder_with_database_side_files(tmp_path, backup, suffix):
    target = tmp_path / "target"
    target.mkdir()
    side = target / f"{DB}{suffix}"
    side.write_bytes(stale_wal(tmp_path) if suffix == "-wal" else b"\0" * 32768)
    done = zhenggai(environment(target), "restore", str(backup), check=False)
    assert done.returncode == 2 and "已恢复" not in done.stdout
    assert f"{DB}{suffix}" in done.stderr and "附属文件" in done.stderr
    assert side.exists() and not (target / DB).exists()  # nothing removed or written


def test_it_restores_once_the_side_files_are_gone(tmp_path, backup):
    target = tmp_path / "target"
    target.mkdir()
    wal = target / f"{DB}-wal"
    wal.write_bytes(stale_wal(tmp_path))
    assert zhenggai(environment(target), "restore", str(backup), check=False).returncode == 2
    wal.unlink()
    done = zhenggai(environment(target), "restore", str(backup))
    assert "已恢复" in done.stdout and "完整性检查通过" in done.stdout
    with closing(sqlite3.connect(target / DB)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_it_checks_the_restored_database_before_it_says_restored(tmp_path, backup):
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == f"database/{DB}":
                page = 4096
                # Pages of tables overwritten: the file opens, its b-trees are broken.
                data = data[: 3 * page] + b"\x0d\xff" * (page * 4) + data[11 * page :]
            dst.writestr(info, data)
    target = tmp_path / "target"
    done = zhenggai(environment(target), "restore", str(damaged), check=False)
    assert done.returncode == 1 and "已恢复" not in done.stdout
    assert "完整性检查" in done.stderr
    assert not (target / DB).exists()  # the folder is left empty for another backup
