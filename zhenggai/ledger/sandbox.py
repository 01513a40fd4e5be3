"""Reading an uploaded file in a child process bounded in memory and time.

Readers work on untrusted bytes, and python-calamine aborts the whole process when an
allocation fails: the server's process is never the one that reads. The child gets
the bytes on stdin, limits itself (address space, CPU time) before it reads, and
answers with the draft as JSON on stdout; JSON, not pickle, so that a reader gone
wrong in the child can hand back data and nothing else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings

from .draft import (
    DraftCategory,
    DraftFigure,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    gc_paused,
)
from .readers import draft_from_file
from .services import LedgerError

log = logging.getLogger(__name__)

# The settings the readers consult, passed to the child as the parent has them.
LIMITS = (
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "IMPORT_MAX_COLUMNS",
    "NOTICE_MAX_CHARS",
    "IMPORT_MEMORY_MB",
    "IMPORT_SECONDS",
)
# The child sets Django up before it imports the readers.
CHILD = "import django; django.setup(); from zhenggai.ledger.sandbox import child; child()"
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def read_bounded(
    data: bytes,
    filename: str,
    *,
    feedback_date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LedgerDraft:
    """`readers.draft_from_file` in a child process; LedgerError if it refuses, runs out
    of memory or time. With `progress`, the child's progress lines go to our stderr."""
    request = {
        "filename": filename,
        "feedback_date": feedback_date.isoformat() if feedback_date else None,
        "progress": progress is not None,
        "settings": {name: getattr(settings, name) for name in LIMITS},
    }
    with _slot():
        try:
            done = subprocess.run(
                [sys.executable, "-c", CHILD],
                input=json.dumps(request).encode() + b"\n" + data,
                stdout=subprocess.PIPE,
                stderr=None if progress else subprocess.PIPE,
                timeout=settings.IMPORT_SECONDS,
                env={"DJANGO_SETTINGS_MODULE": "zhenggai.settings", **os.environ},
            )
        except subprocess.TimeoutExpired:
            raise LedgerError(
                f"读取文件“{filename}”超过 {settings.IMPORT_SECONDS} 秒仍未完成，已停止；"
                f"文件过大或过于复杂，请拆分后导入。"
            ) from None
    kind, _, answer = done.stdout.partition(b"\n")
    if done.returncode == 0 and kind == b"refusal":
        raise LedgerError(answer.decode())
    if done.returncode != 0 or kind != b"draft":
        said = (done.stderr or b"").decode(errors="replace")[-2000:]
        log.warning("reading %r ended with %s: %s", filename, done.returncode, said)
        raise LedgerError(_exhausted(filename))
    return draft_from_json(answer)


def _exhausted(filename: str) -> str:
    return (
        f"读取文件“{filename}”时超出内存上限（{settings.IMPORT_MEMORY_MB} MB）或意外中止，"
        f"已停止；文件过大或过于复杂，请拆分后导入。"
    )


@contextmanager
def _slot():
    """At most IMPORT_PARALLEL files are read at once; the next waits its turn."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(settings.IMPORT_PARALLEL, 1))
    if not _slots.acquire(timeout=settings.IMPORT_SECONDS):
        raise LedgerError("正在读取其他用户导入的文件，请稍后再试。")
    try:
        yield
    finally:
        _slots.release()


# --- the draft as JSON: how the child answers and how a preview is kept --------------


@gc_paused()
def draft_to_json(draft: LedgerDraft) -> str:
    return json.dumps(draft, default=_encode, ensure_ascii=False)


_NAMES: dict[type, tuple[str, ...]] = {}  # a draft class's field names, looked up once


def _encode(value):
    if (names := _NAMES.get(type(value))) is None and dataclasses.is_dataclass(value):
        names = _NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a draft")


@gc_paused()
def draft_from_json(text: str | bytes) -> LedgerDraft:
    fields = json.loads(text)
    categories = [_category(c) for c in fields.pop("categories")]
    for name in ("start", "end", "feedback_date", "reported_on"):
        fields[name] = _date(fields[name])
    return LedgerDraft(**fields, categories=categories)


def _category(fields: dict) -> DraftCategory:
    return DraftCategory(
        fields["title"],
        fields["place"],
        [_measure(m) for m in fields["measures"]],
        [
            DraftProblem(
                p["title"],
                p["place"],
                [_measure(m) for m in p["measures"]],
                p.get("description", ""),
            )
            for p in fields["problems"]
        ],
    )


def _measure(fields: dict) -> DraftMeasure:
    fields["figures"] = [DraftFigure(**f) for f in fields["figures"]]
    fields["due"] = _date(fields["due"])
    return DraftMeasure(**fields)


@functools.lru_cache(maxsize=1024)  # a ledger has a few hundred dates at most
def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- the child ------------------------------------------------------------------------


def _limit_self(memory_mb: int, seconds: int) -> None:
    try:
        import resource  # POSIX only
    except ImportError:
        return  # elsewhere the parent's timeout is the only bound

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The parent kills the child at `seconds`; CPU time ends an orphan as well.
    resource.setrlimit(resource.RLIMIT_CPU, (seconds + 5, seconds + 10))


def child() -> None:
    """Read the request and the file from stdin, answer `draft` or `refusal` on stdout."""
    request = json.loads(sys.stdin.buffer.readline())
    limits = request["settings"]
    _limit_self(limits["IMPORT_MEMORY_MB"], limits["IMPORT_SECONDS"])
    data = sys.stdin.buffer.read()
    for name, value in limits.items():
        setattr(settings, name, value)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        draft = draft_from_file(
            data,
            request["filename"],
            feedback_date=_date(request["feedback_date"]),
            progress=say if request["progress"] else None,
        )
        answer = "draft\n" + draft_to_json(draft)
    except LedgerError as exc:
        answer = f"refusal\n{exc}"
    except MemoryError:
        answer = "refusal\n" + _exhausted(request["filename"])
    sys.stdout.buffer.write(answer.encode())
