"""`zhenggai backup FILE` and `zhenggai restore FILE`: the database and the evidence files.

Stored files (evidence, a reply's evidence, a filed report) are the only data outside the
database: a backup is a consistent copy of the database plus every file its rows name.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from zhenggai.audit.anchors import anchor_after_backup

FORMAT = "zhenggai-backup-1"


def stored_files_sql() -> str:
    """The names of every stored file: the evidence's and those of any other model of the
    project with a file field (a reply's evidence, a filed report), all kept alike under
    MEDIA_ROOT. Read from the SQLite copy itself, so the names are exactly the snapshot's."""
    columns = [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("zhenggai.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]
    return " UNION ".join(f"SELECT {c} FROM {t} WHERE {c} != ''" for t, c in columns)


def run_backup(args) -> int:
    target = Path(args.file).resolve()
    if target.exists():
        print(f"错误：{target} 已存在，不覆盖。", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        dump, names = _snapshot(Path(tmp))
        partial = target.with_name(target.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(
                "manifest.json",
                json.dumps(
                    {
                        "format": FORMAT,
                        "engine": connection.vendor,
                        "created": timezone.now().isoformat(),
                        "evidence": len(names),
                    }
                ),
            )
            archive.write(dump, f"database/{dump.name}")
            for name in names:
                path = Path(settings.MEDIA_ROOT) / name
                if path.exists():
                    archive.write(path, f"evidence/{name}")
        partial.rename(target)
    print(f"已备份：{target}（佐证材料 {len(names)} 个）")
    anchor_after_backup(target)
    return 0


def _snapshot(tmp: Path) -> tuple[Path, list[str]]:
    """A consistent copy of the database, and the evidence files it refers to.

    Evidence files are written once and never changed, so copying after the
    snapshot gives exactly the files the snapshot names.
    """
    if connection.vendor == "sqlite":
        dump = tmp / "zhenggai.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            connection.connection.backup(copy)  # SQLite's online backup API
        with sqlite3.connect(dump) as copy:
            names = [r[0] for r in copy.execute(stored_files_sql())]
        return dump, names
    dump = tmp / "zhenggai.pgdump"
    db = settings.DATABASES["default"]
    subprocess.run(
        ["pg_dump", "-Fc", "-f", str(dump), *_pg_args(db)],
        check=True,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    )
    # Read after the dump: every row the dump holds is committed by now, so this is a
    # superset of the files it needs (files are never deleted, rows only added).
    with connection.cursor() as cursor:
        cursor.execute(stored_files_sql())
        names = [row[0] for row in cursor.fetchall()]
    return dump, names


def _pg_args(db: dict) -> list[str]:
    args = ["-d", db["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def run_restore(args) -> int:
    source = Path(args.file)
    try:
        archive = zipfile.ZipFile(source)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        print(f"错误：{source} 不是有效的 zhenggai 备份文件。", file=sys.stderr)
        return 2
    if manifest.get("format") != FORMAT or manifest.get("engine") != connection.vendor:
        print(
            f"错误：备份来自 {manifest.get('engine')} 数据库，当前配置为 "
            f"{connection.vendor}，不能恢复。",
            file=sys.stderr,
        )
        return 2
    refusal = _not_empty()
    if refusal:
        print(f"错误：{refusal}恢复只能在空的数据目录（空数据库）中进行。", file=sys.stderr)
        return 2
    with archive, tempfile.TemporaryDirectory() as tmp:
        _restore_database(archive, Path(tmp))
        if damage := _damaged():
            _remove_database()
            print(
                f"错误：恢复的数据库未通过完整性检查（{damage}），已删除，数据目录仍为空。"
                f"请换用其他备份文件。",
                file=sys.stderr,
            )
            return 1
        count = _restore_evidence(archive)
    print(f"已恢复：{source}（佐证材料 {count} 个，数据库完整性检查通过）")
    return 0


def _not_empty() -> str | None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        return f"佐证材料目录 {media} 不是空的。"
    if connection.vendor == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        if db.exists() and db.stat().st_size > 0:
            return f"数据库文件 {db} 已存在。"
        if side := [path.name for path in _side_files(db) if path.exists()]:
            # A stale -wal would be replayed into the restored file and corrupt it.
            return (
                f"数据目录 {db.parent} 中有以前数据库留下的附属文件（{'、'.join(side)}），"
                f"留着会使恢复的数据库损坏；确认不再需要后删除它们。"
            )
        return None
    if connection.introspection.table_names():
        return "目标数据库中已有数据表。"
    return None


def _restore_database(archive: zipfile.ZipFile, tmp: Path) -> None:
    if connection.vendor == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        db.parent.mkdir(parents=True, exist_ok=True)
        connection.close()
        with archive.open("database/zhenggai.sqlite3") as src, open(db, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return
    dump = tmp / "zhenggai.pgdump"
    dump.write_bytes(archive.read("database/zhenggai.pgdump"))
    db = settings.DATABASES["default"]
    connection.close()
    subprocess.run(
        ["pg_restore", "--no-owner", *_pg_args(db), str(dump)],
        check=True,
        env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
    )


def _side_files(db: Path) -> list[Path]:
    """SQLite's write-ahead log, its index and the rollback journal of database db."""
    return [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _damaged() -> str | None:
    """What the integrity check found wrong with the restored database, or None."""
    if connection.vendor != "sqlite":
        connection.ensure_connection()  # pg_restore has checked the dump as it read it
        found = connection.introspection.table_names()
        return None if "django_migrations" in found else "没有数据表"
    db = Path(settings.DATABASES["default"]["NAME"])
    try:
        with closing(sqlite3.connect(db)) as restored:
            rows = restored.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    found = [row[0] for row in rows]
    return None if found == ["ok"] else "；".join(found[:3])


def _remove_database() -> None:
    connection.close()
    if connection.vendor == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        for path in [db, *_side_files(db)]:
            path.unlink(missing_ok=True)


def _restore_evidence(archive: zipfile.ZipFile) -> int:
    media = Path(settings.MEDIA_ROOT).resolve()
    count = 0
    for info in archive.infolist():
        if not info.filename.startswith("evidence/") or info.is_dir():
            continue
        relative = PurePosixPath(info.filename).relative_to("evidence")
        target = (media / relative).resolve()
        # Names come from our own archive, but a tampered one must not write outside.
        if media not in target.parents:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        count += 1
    return count
