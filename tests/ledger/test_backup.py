"""`zhenggai backup` and `zhenggai restore`, run as commands against a live database."""

import os
import shutil
import subprocess
import sys
import threading
import zipfile
from urllib.parse import urlsplit, urlunsplit

import pytest


def engines():
    """SQLite always; PostgreSQL too when the suite runs against it (pg_dump, pg_restore)."""
    yield "sqlite"
    if os.environ.get("ZHENGGAI_DATABASE_URL", "").startswith("postgres"):
        yield "postgresql"


def scratch_database(name: str) -> str:
    """An empty PostgreSQL database on the suite's server; its URL."""
    url = urlsplit(os.environ["ZHENGGAI_DATABASE_URL"])
    base = [
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
    ]
    subprocess.run(["dropdb", "--if-exists", "--force", *base, name], check=True)
    subprocess.run(["createdb", *base, name], check=True)
    return urlunsplit(url._replace(path=f"/{name}"))


def environment(data, url=None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ZHENGGAI_DATABASE_URL"}
    env["ZHENGGAI_DATA"] = str(data)
    if url:
        env["ZHENGGAI_DATABASE_URL"] = url
    return env


def zhenggai(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "zhenggai.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def write_while_backing_up(env, stop):
    """Report progress with evidence in another process until told to stop."""
    script = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='zhenggai.settings';"
        "django.setup();from zhenggai.ledger import services;"
        "from zhenggai.ledger.models import Measure;from django.utils import timezone;"
        "from django.core.files.uploadedfile import SimpleUploadedFile as F;"
        "import sys;m=Measure.objects.filter(problem__closed_at=None).last();i=0\n"
        "while not os.path.exists(sys.argv[1]):\n"
        "  i+=1;services.report_progress(m,actor=None,text=str(i),"
        "reported_on=timezone.localdate(),files=[F('a.pdf',b'%PDF-'+str(i).encode())])\n"
    )
    return subprocess.Popen([sys.executable, "-c", script, str(stop)], env=env)


@pytest.mark.parametrize("engine", list(engines()))
def test_it_backs_up_while_writes_go_on_and_restores(tmp_path, engine):
    urls = [None, None]
    if engine == "postgresql":
        urls = [
            scratch_database("zhenggai_backup_source"),
            scratch_database("zhenggai_backup_target"),
        ]
    source = environment(tmp_path / "source", urls[0])
    target = environment(tmp_path / "target", urls[1])
    zhenggai(source, "demo", "--no-serve")
    stop = tmp_path / "stop"
    writer = write_while_backing_up(source, stop)
    threading.Event().wait(1.5)  # let the writer get going
    zhenggai(source, "backup", str(tmp_path / "b.zip"))
    stop.touch()
    assert writer.wait(timeout=60) == 0
    names = zipfile.ZipFile(tmp_path / "b.zip").namelist()
    assert "manifest.json" in names and any(n.startswith("evidence/") for n in names)
    # The audit key is kept apart from backups: it goes back in place by hand.
    (tmp_path / "target").mkdir()
    shutil.copy(tmp_path / "source" / "audit_key", tmp_path / "target" / "audit_key")
    restored = zhenggai(target, "restore", str(tmp_path / "b.zip"))
    assert "已恢复" in restored.stdout
    verify = zhenggai(target, "audit", "verify")
    assert "全部完好" in verify.stdout
    again = zhenggai(target, "restore", str(tmp_path / "b.zip"), check=False)
    assert again.returncode == 2 and "空的数据目录" in again.stderr
