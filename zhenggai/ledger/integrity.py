"""Evidence against the record: `zhenggai audit verify` and the audit log page check them.

Each file against the SHA-256 stored at upload, and each report's evidence against the
hashes its chained `progress.reported` event holds: the event is signed with the audit
key, so a row deleted, a file name blanked, or a file overwritten together with its
stored hash still disagrees with it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from django.apps import apps
from django.db.models import CharField, FileField
from django.db.models.functions import Cast

from zhenggai.audit.models import Event
from zhenggai.audit.verify import ChainReport, verify

from .models import Evidence

BATCH = 2000


@dataclass
class Verification:
    """The chain's report and the evidence's: files checked and a line per problem."""

    chain: ChainReport
    files: int = 0
    evidence: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return self.chain.problems + len(self.evidence)

    @property
    def ok(self) -> bool:
        return self.problems == 0


def verify_all(anchor_file=None) -> Verification:
    """The same check for the command and the page: chain, anchors, evidence."""
    files, bad = check_evidence_files()
    return Verification(verify(anchor_file), files, bad)


def check_evidence_files() -> tuple[int, list[str]]:
    """(files checked, a Chinese line for each evidence missing or changed since its report)."""
    files, bad = 0, []
    for evidence in Evidence.all_objects.exclude(file="").iterator():
        files += 1
        problem = _file_problem(evidence)
        if problem:
            bad.append(f"佐证材料 {evidence.pk}“{evidence.name}”{problem}")
    events = Event.objects.filter(act="progress.reported", object_type="progress")
    rows = events.order_by("seq").values_list("seq", "object_id", "data").iterator(BATCH)
    while chunk := list(islice(rows, BATCH)):
        bad += _against_events(chunk)
    for evidence in _unreported_files():
        bad.append(
            f"佐证材料 {evidence.pk}“{evidence.name}”不在任何进展报告的审计事件中，是事后添加的。"
        )
    for model in _other_hashed_files():
        label = model._meta.verbose_name
        for row in model._default_manager.exclude(file="").exclude(sha256="").iterator():
            files += 1
            problem = _file_problem(row)
            if problem:
                bad.append(f"{label} {row.pk}“{row.name}”{problem}")
    return files, bad


def _other_hashed_files() -> list:
    """Models beside Evidence that keep a file with its SHA-256 (a reply's evidence, a
    filed report): found by their fields, so that the ledger names no other app."""
    return [
        model
        for model in apps.get_models()
        if model is not Evidence
        and model._meta.app_config.name.startswith("zhenggai.")
        and {"file", "name", "sha256"} <= {f.name for f in model._meta.concrete_fields}
        and isinstance(model._meta.get_field("file"), FileField)
    ]


def _unreported_files():
    """Files come only with a `progress.reported` event: one under a report without it
    was added afterwards. (Cast the id to text: a forged event's id may be any text.)"""
    reported = Event.objects.filter(act="progress.reported", object_type="progress")
    return (
        Evidence.all_objects.exclude(sha256="")
        .annotate(report=Cast("progress_id", CharField()))
        .exclude(report__in=reported.values("object_id"))
        .only("pk", "name")
        .iterator()
    )


def _file_problem(evidence) -> str | None:
    """What is wrong with a stored file against its SHA-256 (any row with file, sha256)."""
    if not evidence.file.storage.exists(evidence.file.name):
        return "的文件缺失"
    digest = hashlib.sha256()
    with evidence.file.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != evidence.sha256:
        return "的文件内容与登记的 SHA-256 不符，可能被替换"
    return None


def _against_events(chunk: list[tuple]) -> list[str]:
    """Lines for the evidence of these reports that disagrees with their events."""
    ids = {seq: int(object_id) for seq, object_id, _data in chunk if object_id.isdigit()}
    rows: dict[int, list[Evidence]] = {pk: [] for pk in ids.values()}
    found = Evidence.all_objects.filter(progress_id__in=rows).only(
        "pk", "progress_id", "file", "name", "sha256", "reference"
    )
    for evidence in found.order_by("pk"):
        rows[evidence.progress_id].append(evidence)
    bad = []
    for seq, object_id, data in chunk:
        held = rows.get(ids.get(seq, -1), [])
        bad += _report_problems(seq, object_id, data.get("evidence") or [], held)
    return bad


def _report_problems(seq: int, progress: str, recorded: list, held: list[Evidence]) -> list[str]:
    where = f"进展报告 {progress}（审计事件第 {seq} 条）"
    bad = [
        f"佐证材料 {e.pk}“{e.name}”登记了 SHA-256 却没有文件名，文件名被清空。"
        for e in held
        if e.sha256 and not e.file.name
    ]
    missing = Counter(map(str, recorded))
    missing.subtract(e.sha256 or e.reference for e in held)
    for value, times in missing.items():
        if times > 0:
            bad.append(f"{where}记录的佐证材料{_short(value)}已不存在或被改动（少 {times} 份）。")
        elif times < 0:
            bad.append(f"{where}中有审计事件未记录的佐证材料{_short(value)}，被替换或事后添加。")
    return bad


def _short(value: str) -> str:
    """A recorded SHA-256 by its first digits, a reference by its words."""
    if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return f"（SHA-256 {value[:16]}…）"
    return f"“{value[:40]}”"
