"""`zhenggai backup FILE` and `zhenggai restore FILE`: the database and the evidence files.

Evidence files are the only data outside the database, and the ledger keeps them: a
backup is a consistent copy of the database plus every file its evidence rows name.
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
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Evidence

FORMAT = "zhenggai-backup-1"
# Read from the SQLite copy itself, so the names are exactly those of the snapshot.
EVIDENCE_FILES = "SELECT {file} FROM {table} WHERE {file} != ''".format(
    table=Evidence._meta.db_table, file=Evidence._meta.get_field("file").column
)


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
            names = [r[0] for r in copy.execute(EVIDENCE_FILES)]
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
    names = list(Evidence.all_objects.exclude(file="").values_list("file", flat=True))
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
        count = _restore_evidence(archive)
    print(f"已恢复：{source}（佐证材料 {count} 个）")
    return 0


def _not_empty() -> str | None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        return f"佐证材料目录 {media} 不是空的。"
    if connection.vendor == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        if db.exists() and db.stat().st_size > 0:
            return f"数据库文件 {db} 已存在。"
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
