"""Evidence files against the SHA-256 recorded at upload: `zhenggai audit verify` checks them."""

from __future__ import annotations

from .models import Evidence


def check_evidence_files() -> tuple[int, list[str]]:
    """(files checked, a Chinese line for each one missing or changed since upload)."""
    files, bad = 0, []
    for evidence in Evidence.all_objects.exclude(file="").iterator():
        files += 1
        problem = _problem(evidence)
        if problem:
            bad.append(f"佐证材料 {evidence.pk}“{evidence.name}”{problem}")
    return files, bad


def _problem(evidence: Evidence) -> str | None:
    if not evidence.file.storage.exists(evidence.file.name):
        return "的文件缺失"
    if evidence.compute_sha256() != evidence.sha256:
        return "的文件内容与登记的 SHA-256 不符，可能被替换"
    return None
